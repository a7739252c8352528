package io.inferq.worker.metrics;

import java.util.concurrent.CompletableFuture;

/**
 * How many job messages wait in the jobs queues for a worker to take them: the work the
 * endpoint's instances have not started on. Messages a worker holds (in flight,
 * prefetched, or hidden until a retry's backoff ends) do not count.
 */
interface BacklogReader {

	/**
	 * The messages waiting in all the jobs queues together, as approximate as the queue
	 * service counts them. Never blocks.
	 * @return the count, or a failed future if a queue could not be read
	 */
	CompletableFuture<Long> waitingMessages();

}
