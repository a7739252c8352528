package io.inferq.worker.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.store.BatchStore;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.TenantWebhooks.TenantWebhook;
import io.inferq.webhook.EventTopics;
import io.inferq.webhook.WebhookEvent;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookMessageCodec;
import io.inferq.webhook.WebhookOutbox;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.handler.annotation.Header;

/**
 * The listener of the webhook delivery queue: sends each event and deletes its message on
 * a 2xx answer; on anything else (another status, a redirect, a timeout, a refused
 * connection) leaves the message to come back after a doubling backoff, through its
 * visibility, until the queue's redrive policy dead-letters it. A callback whose host
 * resolves to an address the policy refuses is dropped at once, never called. A batch to
 * look at is read (strongly consistent): if every job has ended, the first message to see
 * it claims the event ({@link WebhookOutbox#claimBatchEvent}) and sends it; otherwise, or
 * if another claimed it, the message is dropped (a later job's end will look again),
 * unless every job counted so far ended while the batch is still ENQUEUEING: then the end
 * of its ingest completes it, and the message comes back after the backoff to look again.
 * <p>
 * A message for the operator's topics ({@link WebhookMessage#toTopics()}) is published
 * through {@link EventTopics} instead, and retried the same way when publishing fails;
 * one whose outcome has no topic set is dropped.
 * <p>
 * Asynchronous and bounded: the container holds at most {@code max-concurrent-deliveries}
 * messages, on threads of its own, apart from the jobs' listeners.
 */
class WebhookListener {

	private static final Logger logger = LoggerFactory.getLogger(WebhookListener.class);

	private final WebhookDeliverer deliverer;

	private final EventTopics topics;

	private final AsyncLoadingCache<TenantId, TenantWebhook> secrets;

	private final BatchStore batches;

	private final WebhookOutbox outbox;

	private final WebhookProperties properties;

	private final Clock clock;

	private final MeterRegistry meters;

	WebhookListener(WebhookDeliverer deliverer, EventTopics topics, AsyncLoadingCache<TenantId, TenantWebhook> secrets,
			BatchStore batches, WebhookOutbox outbox, WebhookProperties properties, Clock clock, MeterRegistry meters) {
		this.topics = topics;
		this.outbox = outbox;
		this.deliverer = deliverer;
		this.secrets = secrets;
		this.batches = batches;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
	}

	@SqsListener(id = "webhooks", value = "${inferq.worker.webhooks.queue-name:inferq-webhooks}",
			factory = "webhookSqsListenerContainerFactory")
	CompletableFuture<Void> onMessage(String body, Acknowledgement acknowledgement, Visibility visibility,
			@Header(name = SqsHeaders.MessageSystemAttributes.SQS_APPROXIMATE_RECEIVE_COUNT,
					required = false) Integer receiveCount,
			@Header(name = SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, required = false) String messageId) {
		int receives = (receiveCount != null) ? receiveCount : 1;
		WebhookMessage message;
		try {
			message = WebhookMessageCodec.decode(body);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Malformed webhook message, leaving it for the dead-letter queue: {}", ex.getMessage());
			return retryLater(visibility, Duration.ofSeconds(1));
		}
		return eventOf(message, messageId).thenCompose((event) -> {
			if (event == null) {
				return CompletableFuture.completedFuture((Integer) null);
			}
			if (message.toTopics()) {
				return this.topics.publish(message.tenant(), event).thenApply((published) -> published ? 200 : null);
			}
			return this.secrets.get(message.tenant())
				.thenCompose((webhook) -> this.deliverer.deliver(message.url(), webhook.secret(), event));
		}).handle((status, failure) -> {
			if (failure == null && (status == null || (status >= 200 && status < 300))) {
				count((status == null) ? "nothing" : "delivered");
				return acknowledge(acknowledgement);
			}
			if (failure != null && Futures.unwrap(failure) instanceof GuardedDnsResolver.RefusedAddressException) {
				count("refused");
				logger.warn("Webhook {} to {} dropped: {}", message.describe(), message.url().getHost(),
						Futures.unwrap(failure).getMessage());
				return acknowledge(acknowledgement);
			}
			if (failure != null && Futures.unwrap(failure) instanceof StillEnqueueing) {
				count("later");
				logger.debug("Webhook {}: {}", message.describe(), Futures.unwrap(failure).getMessage());
				return retryLater(visibility, this.properties.backoff(receives));
			}
			count("failed");
			Duration delay = this.properties.backoff(receives);
			logger.info("Webhook {} attempt {} failed ({}); next in {}", message.describe(), receives,
					(failure != null) ? Futures.unwrap(failure).toString() : "HTTP " + status, delay);
			return retryLater(visibility, delay);
		}).thenCompose((done) -> done);
	}

	/** The event to send, or {@code null} if there is none (yet). */
	private CompletableFuture<WebhookEvent> eventOf(WebhookMessage message, String messageId) {
		if (message.event() != null) {
			return CompletableFuture.completedFuture(message.event());
		}
		return this.batches.find(message.batch()).thenCompose((found) -> {
			if (found.isPresent() && mayBeCompletedByItsIngest(found.get())) {
				return Futures.failed(new StillEnqueueing(found.get()));
			}
			if (found.isEmpty() || !isComplete(found.get())) {
				return CompletableFuture.completedFuture(null);
			}
			// Only one look at a completed batch sends its event (retrying as needed).
			return this.outbox
				.claimBatchEvent(message.batch(), message.url(), (messageId != null) ? messageId : "unknown")
				.thenApply((claimed) -> claimed ? eventOf(found.get(), message) : null);
		});
	}

	private WebhookEvent eventOf(Batch batch, WebhookMessage message) {
		return message.toTopics() ? WebhookEvent.forTopics(batch, this.clock.instant())
				: WebhookEvent.of(batch, this.clock.instant());
	}

	/**
	 * Every job of the batch counted so far has ended while its ingest still runs: the
	 * end of the ingest will complete it without a job's end, so this look is the last
	 * one and is tried again later.
	 */
	private static boolean mayBeCompletedByItsIngest(Batch batch) {
		return batch.status() == BatchStatus.ENQUEUEING && batch.total() > 0
				&& batch.counts().terminal() >= batch.total();
	}

	/** Every job of an accepted batch has ended. */
	private static boolean isComplete(Batch batch) {
		return (batch.status() == BatchStatus.COMPLETED || batch.status() == BatchStatus.CANCELLED)
				&& batch.enqueuedAt() != null && batch.total() > 0 && batch.counts().terminal() >= batch.total();
	}

	private void count(String outcome) {
		this.meters.counter("inferq.worker.webhooks.attempts", "outcome", outcome).increment();
	}

	/**
	 * A look at a batch that only the end of its ingest can complete: look again later.
	 */
	private static final class StillEnqueueing extends RuntimeException {

		StillEnqueueing(Batch batch) {
			super("every job of batch " + batch.id() + " counted so far has ended, and its ingest is still running; "
					+ "looking again later", null, false, false);
		}

	}

	private static CompletableFuture<Void> acknowledge(Acknowledgement acknowledgement) {
		return acknowledgement.acknowledgeAsync().exceptionally((failure) -> {
			logger.warn("Webhook message could not be deleted; it will be delivered again: {}", failure.toString());
			return null;
		});
	}

	private static CompletableFuture<Void> retryLater(Visibility visibility, Duration delay) {
		int seconds = (int) Math.max(1, Math.min(delay.toSeconds(), Visibility.MAX_VISIBILITY_TIMEOUT_SECONDS));
		return visibility.changeToAsync(seconds).exceptionally((failure) -> {
			logger.warn("Webhook message visibility could not be changed: {}", failure.toString());
			return null;
		});
	}

}
