package io.inferq.webhook.sqs;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.inferq.message.sqs.RedrivenQueues;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

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

	private WebhookQueues() {
	}

	/**
	 * Creates the dead-letter queue, then the delivery queue with a redrive policy to it
	 * ({@link RedrivenQueues}); queues that exist with the same attributes are left as
	 * they are.
	 * @return the URL of the delivery queue
	 */
	public static CompletableFuture<String> createIfAbsent(SqsAsyncClient sqs, String queueName, String dlqName) {
		return RedrivenQueues.createIfAbsent(sqs, queueName, dlqName, VISIBILITY_TIMEOUT, MAX_RECEIVE_COUNT);
	}

}
