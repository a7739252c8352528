package io.inferq.webhook;

import java.util.concurrent.CompletableFuture;

/**
 * The queue webhook deliveries wait in. Non-blocking, never throws: failures complete the
 * future exceptionally.
 */
public interface WebhookQueue {

	/** Queues the message; completes once the queue holds it durably. */
	CompletableFuture<Void> send(WebhookMessage message);

}
