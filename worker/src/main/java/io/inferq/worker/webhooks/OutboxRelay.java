package io.inferq.worker.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.webhook.EventScope;
import io.inferq.webhook.WebhookEvent;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookOutbox;
import io.inferq.webhook.WebhookQueue;

/**
 * Moves an owed event from the outbox to the delivery queue: queues it, then clears the
 * job's mark. If either step fails, or the worker dies in between, the mark stays and the
 * {@link OutboxSweeper} queues the event again: at least once, never lost. With the
 * operator's topics set ({@link EventScope#EVERY_END}) every ended job owes, besides its
 * webhook, a message for the topics ({@link WebhookMessage#TOPICS}), published by the
 * delivery queue's listener with the same retries.
 */
class OutboxRelay {

	private final WebhookQueue queue;

	private final WebhookOutbox outbox;

	private final EventScope events;

	OutboxRelay(WebhookQueue queue, WebhookOutbox outbox, EventScope events) {
		this.queue = queue;
		this.outbox = outbox;
		this.events = events;
	}

	/** Whether the job has ended and owes events: its outcome's write marked it. */
	boolean owesEvent(Job job) {
		return this.events.owesEvent(job);
	}

	/**
	 * Queues what the ended job owes (to its callback: its own event, or, for a job of a
	 * batch, a look at its batch; to the topics: its event, and for a job of a batch a
	 * look at its batch too); then clears its mark. A look at a batch is queued only if
	 * the batch may have ended ({@link WebhookOutbox#batchMayHaveEnded}, or if that
	 * cannot be read): a job whose end did not end its batch leaves the look to a later
	 * one.
	 * @throws IllegalArgumentException if the job has not ended or owes nothing
	 */
	CompletableFuture<Void> relay(Job job) {
		if (!owesEvent(job)) {
			throw new IllegalArgumentException("Job " + job.id() + " owes no webhook event");
		}
		boolean looksAtBatch = job.isInBatch() && (job.callback() != null || this.events == EventScope.EVERY_END);
		CompletableFuture<Boolean> batchMayHaveEnded = looksAtBatch
				? Futures.recover(this.outbox.batchMayHaveEnded(job.batch().batchId()),
						(failure) -> CompletableFuture.completedFuture(true))
				: CompletableFuture.completedFuture(false);
		return batchMayHaveEnded.thenCompose((look) -> {
			List<WebhookMessage> messages = new ArrayList<>(3);
			if (job.callback() != null) {
				if (!job.isInBatch()) {
					messages.add(WebhookMessage.send(job.tenant(), job.callback(), WebhookEvent.of(job)));
				}
				else if (look) {
					messages.add(WebhookMessage.checkBatch(job.tenant(), job.callback(), job.batch().batchId()));
				}
			}
			if (this.events == EventScope.EVERY_END) {
				messages.add(WebhookMessage.send(job.tenant(), WebhookMessage.TOPICS, WebhookEvent.forTopics(job)));
				if (job.isInBatch() && look) {
					messages.add(WebhookMessage.checkBatch(job.tenant(), WebhookMessage.TOPICS, job.batch().batchId()));
				}
			}
			CompletableFuture<?>[] sent = messages.stream().map(this.queue::send).toArray(CompletableFuture[]::new);
			return CompletableFuture.allOf(sent).thenCompose((queued) -> this.outbox.clear(job));
		});
	}

}
