package io.inferq.webhook.sns;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * The one definition of the operator's topics' default names; the stand-ins, the
 * LocalStack init hook and the deployment template follow it. The apps take the topics'
 * ARNs ({@code inferq.notifications.sns.*}), never these names.
 */
public final class EventTopicNames {

	/** The topic successes go to in local set-ups. */
	public static final String DEFAULT_SUCCESS_NAME = "inferq-success";

	/** The topic failures, expiries, cancellations go to in local set-ups. */
	public static final String DEFAULT_ERROR_NAME = "inferq-errors";

	private EventTopicNames() {
	}

	/**
	 * Creates the topics (SNS's {@code CreateTopic} is idempotent).
	 * @return their ARNs, in the order of {@code names}
	 */
	public static CompletableFuture<List<String>> createIfAbsent(SnsAsyncClient sns, List<String> names) {
		List<CompletableFuture<String>> arns = names.stream()
			.map((name) -> sns.createTopic((request) -> request.name(name))
				.thenApply((response) -> response.topicArn()))
			.toList();
		return CompletableFuture.allOf(arns.toArray(CompletableFuture[]::new))
			.thenApply((all) -> arns.stream().map(CompletableFuture::join).toList());
	}

	/**
	 * The topic's name: the last part of its ARN
	 * ({@code arn:aws:sns:<region>:<account>:<name>}).
	 */
	public static String nameOf(String topicArn) {
		return topicArn.substring(topicArn.lastIndexOf(':') + 1);
	}

}
