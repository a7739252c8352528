package io.inferq.api.ops;

import java.util.concurrent.CompletableFuture;

/**
 * How many messages a queue holds, approximately (as the queue service counts them). The
 * future fails with the queue service's exception.
 */
public interface QueueDepths {

	/** The depth of the queue named {@code queueName}. */
	CompletableFuture<QueueDepth> depth(String queueName);

	/**
	 * One queue's depth.
	 *
	 * @param visible messages waiting to be received
	 * @param inFlight messages received and not yet deleted (being worked on, or waiting
	 * for a free instance in a worker)
	 * @param delayed messages waiting out a delay (retries after a backoff)
	 */
	record QueueDepth(long visible, long inFlight, long delayed) {

	}

}
