package io.inferq.worker.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * {@link BacklogReader} on SQS queues, addressed by name: the sum of their
 * {@code ApproximateNumberOfMessages} (visible messages; not those in flight or delayed),
 * read with {@code GetQueueAttributes}. Each URL is looked up once and remembered; a
 * failed look-up is tried again on the next read.
 */
class SqsBacklogReader implements BacklogReader {

	private static final QueueAttributeName WAITING = QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES;

	private final SqsAsyncClient sqs;

	private final List<String> queueNames;

	private final Map<String, CompletableFuture<String>> queueUrls = new ConcurrentHashMap<>();

	SqsBacklogReader(SqsAsyncClient sqs, List<String> queueNames) {
		if (queueNames.isEmpty()) {
			throw new IllegalArgumentException("queueNames must name at least one queue");
		}
		this.sqs = sqs;
		this.queueNames = List.copyOf(queueNames);
	}

	@Override
	public CompletableFuture<Long> waitingMessages() {
		List<CompletableFuture<Long>> counts = this.queueNames.stream().map(this::waitingMessages).toList();
		return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
			.thenApply((done) -> counts.stream().mapToLong(CompletableFuture::join).sum());
	}

	private CompletableFuture<Long> waitingMessages(String queueName) {
		return queueUrl(queueName)
			.thenCompose(
					(url) -> this.sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(WAITING)))
			.thenApply((response) -> count(response.attributes().get(WAITING), queueName));
	}

	private static long count(String attribute, String queueName) {
		if (attribute == null) {
			throw new IllegalStateException("SQS answered no " + WAITING + " for queue " + queueName);
		}
		return Long.parseLong(attribute);
	}

	private CompletableFuture<String> queueUrl(String queueName) {
		return this.queueUrls.compute(queueName,
				(name, url) -> (url == null || url.isCompletedExceptionally()) ? lookUpUrl(name) : url);
	}

	private CompletableFuture<String> lookUpUrl(String queueName) {
		return this.sqs.getQueueUrl((request) -> request.queueName(queueName))
			.thenApply((response) -> response.queueUrl());
	}

}
