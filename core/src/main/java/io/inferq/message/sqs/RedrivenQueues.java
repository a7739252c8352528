package io.inferq.message.sqs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates an SQS queue with a dead-letter queue, as {@link JobQueues} and the webhook
 * queues define theirs: the dead-letter queue first (kept 14 days, SQS's longest), then
 * the queue with its visibility timeout and a redrive policy to it. Queues that exist
 * with the same attributes are left as they are.
 */
public final class RedrivenQueues {

	/** How long a dead letter is kept: 14 days, the longest SQS allows. */
	static final Duration DLQ_RETENTION = Duration.ofDays(14);

	private static final Logger logger = LoggerFactory.getLogger(RedrivenQueues.class);

	private RedrivenQueues() {
	}

	/**
	 * @param visibilityTimeout the queue's default visibility timeout (whole seconds)
	 * @param maxReceiveCount receives after which SQS moves a message to the dead-letter
	 * queue
	 * @return the URL of the queue; a failed future with the SDK's exception if SQS
	 * refuses
	 */
	public static CompletableFuture<String> createIfAbsent(SqsAsyncClient sqs, String queueName, String dlqName,
			Duration visibilityTimeout, int maxReceiveCount) {
		return sqs
			.createQueue(
					(request) -> request.queueName(dlqName)
						.attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
								Long.toString(DLQ_RETENTION.toSeconds()))))
			.thenCompose((dlq) -> sqs.getQueueAttributes(
					(request) -> request.queueUrl(dlq.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN)))
			.thenCompose((dlq) -> sqs.createQueue((request) -> request.queueName(queueName)
				.attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds()),
						QueueAttributeName.REDRIVE_POLICY,
						redrivePolicy(dlq.attributes().get(QueueAttributeName.QUEUE_ARN), maxReceiveCount)))))
			.thenApply((queue) -> {
				logger.info("SQS queue {} (dead letters to {}) is at {}", queueName, dlqName, queue.queueUrl());
				return queue.queueUrl();
			});
	}

	/**
	 * The redrive policy that sends a message to {@code dlqArn} after
	 * {@code maxReceiveCount} receives.
	 */
	static String redrivePolicy(String dlqArn, int maxReceiveCount) {
		return "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}";
	}

}
