package io.inferq.message.sqs;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.inferq.message.QueueDepths;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link QueueDepths} by {@code GetQueueAttributes} on the lanes' queues, addressed by
 * name; each URL is looked up once (a failed look-up is tried again on the next read).
 */
public class SqsQueueDepths implements QueueDepths {

	private static final QueueAttributeName WAITING = QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES;

	private static final QueueAttributeName IN_FLIGHT = QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE;

	private final SqsAsyncClient sqs;

	private final String interactiveQueue;

	private final String bulkQueue;

	private final Map<String, CompletableFuture<String>> urls = new ConcurrentHashMap<>();

	public SqsQueueDepths(SqsAsyncClient sqs, String interactiveQueue, String bulkQueue) {
		this.sqs = sqs;
		this.interactiveQueue = interactiveQueue;
		this.bulkQueue = bulkQueue;
	}

	@Override
	public CompletableFuture<Depth> depth(boolean bulk) {
		String name = bulk ? this.bulkQueue : this.interactiveQueue;
		return url(name)
			.thenCompose((url) -> this.sqs
				.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(WAITING, IN_FLIGHT)))
			.thenApply((response) -> new Depth(count(response.attributes().get(WAITING)),
					count(response.attributes().get(IN_FLIGHT))));
	}

	private CompletableFuture<String> url(String name) {
		CompletableFuture<String> url = this.urls.computeIfAbsent(name,
				(absent) -> this.sqs.getQueueUrl((request) -> request.queueName(absent))
					.thenApply((response) -> response.queueUrl()));
		url.whenComplete((found, failure) -> {
			if (failure != null) {
				this.urls.remove(name, url);
			}
		});
		return url;
	}

	private static long count(String attribute) {
		return (attribute != null) ? Long.parseLong(attribute) : 0;
	}

}
