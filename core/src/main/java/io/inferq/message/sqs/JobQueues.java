package io.inferq.message.sqs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

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
	 * Creates the dead-letter queue, then the queue with a redrive policy to it
	 * ({@link RedrivenQueues}); queues that exist with the same attributes are left as
	 * they are.
	 * @return the URL of the jobs queue
	 */
	public static CompletableFuture<String> createIfAbsent(SqsAsyncClient sqs, String queueName, String dlqName) {
		return RedrivenQueues.createIfAbsent(sqs, queueName, dlqName, VISIBILITY_TIMEOUT, MAX_RECEIVE_COUNT);
	}

}
