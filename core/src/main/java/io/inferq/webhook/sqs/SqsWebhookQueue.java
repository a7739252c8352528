package io.inferq.webhook.sqs;

import java.util.concurrent.CompletableFuture;

import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookMessageCodec;
import io.inferq.webhook.WebhookQueue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * {@link WebhookQueue} on an SQS queue defined by {@link WebhookQueues}; its URL is
 * looked up once, on first use (again after a failed look-up).
 */
public class SqsWebhookQueue implements WebhookQueue {

	private final SqsAsyncClient sqs;

	private final String queueName;

	private volatile CompletableFuture<String> queueUrl;

	public SqsWebhookQueue(SqsAsyncClient sqs, String queueName) {
		this.sqs = sqs;
		this.queueName = queueName;
	}

	@Override
	public CompletableFuture<Void> send(WebhookMessage message) {
		return queueUrl().thenCompose((url) -> this.sqs.sendMessage((request) -> request.queueUrl(url)
			.messageBody(WebhookMessageCodec.encode(message))
			.messageGroupId(message.tenant().value()))).thenApply((response) -> null);
	}

	private CompletableFuture<String> queueUrl() {
		CompletableFuture<String> url = this.queueUrl;
		if (url == null || url.isCompletedExceptionally()) {
			url = this.sqs.getQueueUrl((request) -> request.queueName(this.queueName))
				.thenApply((response) -> response.queueUrl());
			this.queueUrl = url;
		}
		return url;
	}

}
