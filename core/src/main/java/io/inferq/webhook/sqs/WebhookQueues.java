package io.inferq.webhook.sqs;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The one definition of the webhook delivery queue and its dead-letter queue: default
 * names, visibility and the redrive policy. The stand-ins, the LocalStack init hook, the
 * deployment template and the worker follow it.
 */
public final class WebhookQueues {

	/** The delivery queue the worker uses unless configured otherwise. */
	public static final String DEFAULT_NAME = "inferq-webhooks";

	/** Where a delivery goes after {@link #MAX_RECEIVE_COUNT} failed attempts. */
	public static final String DEFAULT_DLQ_NAME = "inferq-webhooks-dlq";

	/**
	 * Attempts before a delivery is dead-lettered: with the deliverer's backoff (5 s
	 * doubling, at most 15 min) about 1 h 20 min of trying.
	 */
	public static final int MAX_RECEIVE_COUNT = 12;

	/**
	 * The queue's default visibility timeout; the worker receives with its own, three
	 * times its delivery timeout, so that a message comes back only when its deliverer
	 * died.
	 */
	public static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration DLQ_RETENTION = Duration.ofDays(14);

	private static final Logger logger = LoggerFactory.getLogger(WebhookQueues.class);

	private WebhookQueues() {
	}

	/**
	 * Creates the dead-letter queue, then the delivery queue with a redrive policy to it;
	 * queues that exist with the same attributes are left as they are.
	 * @return the URL of the delivery queue
	 */
	public static CompletableFuture<String> createIfAbsent(SqsAsyncClient sqs, String queueName, String dlqName) {
		return sqs
			.createQueue(
					(request) -> request.queueName(dlqName)
						.attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
								Long.toString(DLQ_RETENTION.toSeconds()))))
			.thenCompose((dlq) -> sqs.getQueueAttributes(
					(request) -> request.queueUrl(dlq.queueUrl()).attributeNames(QueueAttributeName.QUEUE_ARN)))
			.thenCompose((dlq) -> sqs.createQueue((request) -> request.queueName(queueName)
				.attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(VISIBILITY_TIMEOUT.toSeconds()),
						QueueAttributeName.REDRIVE_POLICY,
						"{\"deadLetterTargetArn\":\"" + dlq.attributes().get(QueueAttributeName.QUEUE_ARN)
								+ "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}"))))
			.thenApply((queue) -> {
				logger.info("SQS webhook queue {} (dead letters to {}) is at {}", queueName, dlqName, queue.queueUrl());
				return queue.queueUrl();
			});
	}

}
