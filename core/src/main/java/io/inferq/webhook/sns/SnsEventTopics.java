package io.inferq.webhook.sns;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.inferq.tenant.TenantId;
import io.inferq.webhook.EventTopics;
import io.inferq.webhook.WebhookEvent;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * {@link EventTopics} on two SNS topics. The message is the event's JSON body; its
 * attributes, for subscription filter policies, are {@value #TYPE} (the event type),
 * {@value #TENANT}, {@value #EVENT_ID} (the same for every publication of the event: drop
 * duplicates by it) and {@value #JOB_ID} or {@value #BATCH_ID}. One {@code Publish} per
 * event; the SDK's failures (throttling, a missing topic, no permission) complete the
 * future exceptionally, for the caller to retry through its queue.
 */
public class SnsEventTopics implements EventTopics {

	/** The message attribute holding the event type, for example {@code job.failed}. */
	public static final String TYPE = "type";

	/** The message attribute holding the tenant the job or batch belongs to. */
	public static final String TENANT = "tenant";

	/** The message attribute holding the event's ID ({@code webhook-id}). */
	public static final String EVENT_ID = "eventId";

	/** The message attribute holding the job's ID (job events). */
	public static final String JOB_ID = "jobId";

	/** The message attribute holding the batch's ID ({@code batch.completed}). */
	public static final String BATCH_ID = "batchId";

	private final SnsAsyncClient sns;

	private final String successTopicArn;

	private final String errorTopicArn;

	/**
	 * @param successTopicArn where successes go, or {@code null} for nowhere
	 * @param errorTopicArn where the other events go, or {@code null} for nowhere
	 */
	public SnsEventTopics(SnsAsyncClient sns, String successTopicArn, String errorTopicArn) {
		this.sns = sns;
		this.successTopicArn = successTopicArn;
		this.errorTopicArn = errorTopicArn;
	}

	@Override
	public CompletableFuture<Boolean> publish(TenantId tenant, WebhookEvent event) {
		String topicArn = event.reportsSuccess() ? this.successTopicArn : this.errorTopicArn;
		if (topicArn == null) {
			return CompletableFuture.completedFuture(false);
		}
		return this.sns
			.publish((request) -> request.topicArn(topicArn)
				.message(event.body())
				.messageAttributes(attributes(tenant, event)))
			.thenApply((response) -> true);
	}

	private static Map<String, MessageAttributeValue> attributes(TenantId tenant, WebhookEvent event) {
		Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
		attributes.put(TYPE, string(event.type()));
		attributes.put(TENANT, string(tenant.value()));
		attributes.put(EVENT_ID, string(event.id()));
		if (event.jobId() != null) {
			attributes.put(JOB_ID, string(event.jobId()));
		}
		if (event.batchId() != null) {
			attributes.put(BATCH_ID, string(event.batchId()));
		}
		return attributes;
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
