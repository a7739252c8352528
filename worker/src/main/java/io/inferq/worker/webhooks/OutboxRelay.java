package io.inferq.worker.webhooks;

import java.util.concurrent.CompletableFuture;

import io.inferq.job.Job;
import io.inferq.webhook.WebhookEvent;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookOutbox;
import io.inferq.webhook.WebhookQueue;

/**
 * Moves an owed event from the outbox to the delivery queue: queues it, then clears the
 * job's mark. If either step fails, or the worker dies in between, the mark stays and the
 * {@link OutboxSweeper} queues the event again: at least once, never lost.
 */
class OutboxRelay {

	private final WebhookQueue queue;

	private final WebhookOutbox outbox;

	OutboxRelay(WebhookQueue queue, WebhookOutbox outbox) {
		this.queue = queue;
		this.outbox = outbox;
	}

	/**
	 * Queues what the ended job owes: its own event, or, for a job of a batch, a look at
	 * its batch; then clears its mark.
	 * @throws IllegalArgumentException if the job has not ended or has no callback
	 */
	CompletableFuture<Void> relay(Job job) {
		if (!job.isTerminal() || job.callback() == null) {
			throw new IllegalArgumentException("Job " + job.id() + " owes no webhook event");
		}
		WebhookMessage message = job.isInBatch()
				? WebhookMessage.checkBatch(job.tenant(), job.callback(), job.batch().batchId())
				: WebhookMessage.send(job.tenant(), job.callback(), WebhookEvent.of(job));
		return this.queue.send(message).thenCompose((queued) -> this.outbox.clear(job));
	}

}
