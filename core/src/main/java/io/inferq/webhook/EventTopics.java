package io.inferq.webhook;

import java.util.concurrent.CompletableFuture;

import io.inferq.tenant.TenantId;

/**
 * The operator's notification topics, as SageMaker Async Inference's success and error
 * topics: an event that {@linkplain WebhookEvent#reportsSuccess() reports success} goes
 * to the success topic, any other to the error topic. The events are the
 * {@linkplain WebhookEvent#forTopics(io.inferq.job.Job) topics' shape}: IDs, status,
 * tenant and times, never a job's input, output, metadata or error message. Non-blocking,
 * never throws: failures complete the future exceptionally.
 */
public interface EventTopics {

	/**
	 * Publishes the event to its topic.
	 * @return whether it was published: {@code false} if no topic is configured for it
	 */
	CompletableFuture<Boolean> publish(TenantId tenant, WebhookEvent event);

}
