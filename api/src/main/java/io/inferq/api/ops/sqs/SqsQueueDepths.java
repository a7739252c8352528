package io.inferq.api.ops.sqs;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.inferq.api.ops.QueueDepths;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link QueueDepths} from SQS's approximate counts ({@code GetQueueAttributes}); each
 * queue's URL is looked up once, a failed look-up again on the next read.
 */
public class SqsQueueDepths implements QueueDepths {

	private final SqsAsyncClient sqs;

	private final Map<String, CompletableFuture<String>> queueUrls = new ConcurrentHashMap<>();

	public SqsQueueDepths(SqsAsyncClient sqs) {
		this.sqs = sqs;
	}

	@Override
	public CompletableFuture<QueueDepth> depth(String queueName) {
		return queueUrl(queueName)
			.thenCompose((url) -> this.sqs.getQueueAttributes((request) -> request.queueUrl(url)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)))
			.thenApply((response) -> new QueueDepth(
					count(response.attributes(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
					count(response.attributes(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
					count(response.attributes(), QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)));
	}

	private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
		String value = attributes.get(name);
		return (value != null) ? Long.parseLong(value) : 0;
	}

	private CompletableFuture<String> queueUrl(String queueName) {
		return this.queueUrls.compute(queueName,
				(name, url) -> (url == null || url.isCompletedExceptionally())
						? this.sqs.getQueueUrl((request) -> request.queueName(name))
							.thenApply((response) -> response.queueUrl())
						: url);
	}

}
