package io.inferq.message.sqs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The one definition of the jobs queue and its dead-letter queue: default names, timeouts
 * and the redrive policy. The stand-ins, the LocalStack init hook, the deployment
 * template and the apps all follow it.
 */
public final class JobQueues {

	/** The jobs queue the apps use unless configured otherwise. */
	public static final String DEFAULT_NAME = "inferq-jobs";

	/**
	 * The bulk lane's queue: jobs enqueued in batches travel here, apart from interactive
	 * ones, so that the worker can keep a share of the endpoint for interactive work.
	 */
	public static final String DEFAULT_BULK_NAME = "inferq-jobs-bulk";

	/** The dead-letter queue of both lanes' queues. */
	public static final String DEFAULT_DLQ_NAME = "inferq-jobs-dlq";

	/**
	 * Receives after which SQS moves a message to the dead-letter queue. Above the
	 * worker's attempt limit, since a message is also received again when it waited for a
	 * lease or a worker crashed.
	 */
	public static final int MAX_RECEIVE_COUNT = 10;

	/**
	 * The queue's default visibility timeout: above the model's 60 s limit plus the time
	 * a prefetched message may wait for a free instance, so that no message reappears
	 * while a worker still holds it.
	 */
	public static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(180);

	private static final Duration DLQ_RETENTION = Duration.ofDays(14);

	private static final Logger logger = LoggerFactory.getLogger(JobQueues.class);

	private JobQueues() {
	}

	/**
	 * Creates the dead-letter queue, then the interactive and the bulk lane's queues with
	 * a redrive policy to it; queues that exist with the same attributes are left as they
	 * are.
	 * @return the URLs of the interactive and the bulk queue
	 */
	public static CompletableFuture<List<String>> createIfAbsent(SqsAsyncClient sqs, String queueName,
			String bulkQueueName, String dlqName) {
		return createIfAbsent(sqs, queueName, dlqName).thenCombine(createIfAbsent(sqs, bulkQueueName, dlqName),
				List::of);
	}

	/**
	 * Creates the dead-letter queue, then the queue with a redrive policy to it; queues
	 * that exist with the same attributes are left as they are.
	 * @return the URL of the jobs queue
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
						redrivePolicy(dlq.attributes().get(QueueAttributeName.QUEUE_ARN))))))
			.thenApply((queue) -> {
				logger.info("SQS queue {} (dead letters to {}) is at {}", queueName, dlqName, queue.queueUrl());
				return queue.queueUrl();
			});
	}

	/**
	 * The redrive policy that sends a message to {@code dlqArn} after
	 * {@link #MAX_RECEIVE_COUNT} receives.
	 */
	public static String redrivePolicy(String dlqArn) {
		return "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}";
	}

}
