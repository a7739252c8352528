package io.inferq.message;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The queue that hands jobs to the workers. Non-blocking: failures complete the future
 * exceptionally.
 */
public interface JobQueue {

	/** Sends one message; the future completes once the queue has accepted it durably. */
	CompletableFuture<Void> send(JobMessage message);

	/**
	 * Sends many messages, in as few calls as the queue allows, retrying the ones it
	 * refused for a while; the future completes once the queue has accepted every one, or
	 * fails if some could not be sent (others may have been: a retry may send those
	 * twice, which workers tolerate).
	 */
	default CompletableFuture<Void> sendAll(List<JobMessage> messages) {
		return CompletableFuture.allOf(messages.stream().map(this::send).toArray(CompletableFuture[]::new));
	}

}
