package io.inferq.message;

import java.util.concurrent.CompletableFuture;

/**
 * How many messages each lane's queue holds: SQS gives no position in a queue, but it
 * does give counts. Non-blocking; failures complete the future exceptionally.
 */
public interface QueueDepths {

	/**
	 * The depth of the bulk lane's queue if {@code bulk}, else the interactive lane's.
	 */
	CompletableFuture<Depth> depth(boolean bulk);

	/**
	 * A queue's approximate counts.
	 *
	 * @param waiting messages ready to be received ({@code ApproximateNumberOfMessages})
	 * @param inFlight messages received and not yet deleted or visible again
	 * ({@code ApproximateNumberOfMessagesNotVisible}): jobs held by workers, running or
	 * waiting for a permit
	 */
	record Depth(long waiting, long inFlight) {

		/** All the messages. */
		public long total() {
			return this.waiting + this.inFlight;
		}

	}

}
