package io.inferq.webhook;

import java.net.URI;
import java.util.Objects;

import io.inferq.batch.BatchId;
import io.inferq.tenant.TenantId;

/**
 * What travels on the webhook delivery queue: an event to send, or a batch to look at.
 * The event of a job of its own is built when the job ends; a job of a batch only asks
 * the deliverer to read its batch and send the batch's event if every job has ended (the
 * last job to end is always followed by such a look, after its write).
 *
 * @param tenant whose secret signs the delivery
 * @param url where the event goes: a receiver's URL, or {@link #TOPICS}
 * @param event the event to send, or {@code null} for a batch to look at
 * @param batch the batch to look at, or {@code null} with an event
 */
public record WebhookMessage(TenantId tenant, URI url, WebhookEvent event, BatchId batch) {

	/**
	 * The destination of events for the operator's topics ({@link EventTopics}), in place
	 * of a receiver's URL.
	 */
	public static final URI TOPICS = URI.create("topics:inferq");

	public WebhookMessage {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(url, "url");
		if ((event == null) == (batch == null)) {
			throw new IllegalArgumentException("A webhook message has an event or a batch to look at, not both");
		}
	}

	/** An event to send. */
	public static WebhookMessage send(TenantId tenant, URI url, WebhookEvent event) {
		return new WebhookMessage(tenant, url, Objects.requireNonNull(event, "event"), null);
	}

	/** A batch to look at, whose event goes to {@code url} once it completed. */
	public static WebhookMessage checkBatch(TenantId tenant, URI url, BatchId batch) {
		return new WebhookMessage(tenant, url, null, Objects.requireNonNull(batch, "batch"));
	}

	/** Whether it goes to the operator's topics rather than to a receiver. */
	public boolean toTopics() {
		return TOPICS.equals(this.url);
	}

	/** What the logs call it: the event's ID or the batch. */
	public String describe() {
		return (this.event != null) ? this.event.id() : "batch " + this.batch;
	}

}
