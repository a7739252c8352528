package io.inferq.message;

import java.util.concurrent.CompletableFuture;

/**
 * The queue that hands jobs to the workers. Non-blocking: failures complete the future
 * exceptionally.
 */
public interface JobQueue {

	/** Sends one message; the future completes once the queue has accepted it durably. */
	CompletableFuture<Void> send(JobMessage message);

}
