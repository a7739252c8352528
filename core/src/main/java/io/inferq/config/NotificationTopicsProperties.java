package io.inferq.config;

import io.inferq.webhook.EventScope;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator's SNS topics ({@value #PREFIX}), as SageMaker Async Inference's success
 * and error topics: when one is set, every job that ends (and every batch that completes)
 * is published, at least once, through the webhook outbox. Operator-level: the topics are
 * the operator's, and get every tenant's events, with IDs, status and tenant but never a
 * job's input, output, metadata or error message. Both apps read them: the API marks the
 * jobs it cancels, the worker marks and publishes.
 *
 * @param successTopicArn where {@code job.succeeded}, and {@code batch.completed} of a
 * batch whose every job succeeded, are published; none if unset
 * @param errorTopicArn where {@code job.failed}, {@code job.expired},
 * {@code job.cancelled} and the other {@code batch.completed} events are published; none
 * if unset
 */
@ConfigurationProperties(NotificationTopicsProperties.PREFIX)
public record NotificationTopicsProperties(String successTopicArn, String errorTopicArn) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.notifications.sns";

	public NotificationTopicsProperties {
		successTopicArn = checked(successTopicArn, "success-topic-arn");
		errorTopicArn = checked(errorTopicArn, "error-topic-arn");
	}

	/** Whether a topic is set. */
	public boolean enabled() {
		return this.successTopicArn != null || this.errorTopicArn != null;
	}

	/** Which ended jobs owe events: every one if a topic is set. */
	public EventScope events() {
		return enabled() ? EventScope.EVERY_END : EventScope.CALLBACKS;
	}

	private static String checked(String arn, String name) {
		if (arn == null || arn.isBlank()) {
			return null;
		}
		if (!arn.startsWith("arn:") || !arn.contains(":sns:") || arn.length() > 256) {
			throw new IllegalArgumentException(PREFIX + "." + name
					+ " must be an SNS topic ARN, for example arn:aws:sns:us-east-1:123456789012:inferq-success; was "
					+ arn);
		}
		return arn;
	}

}
