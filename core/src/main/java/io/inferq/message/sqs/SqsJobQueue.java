package io.inferq.message.sqs;

import java.util.concurrent.CompletableFuture;

import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.message.JobQueue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * {@link JobQueue} on an SQS queue, addressed by name; the URL is looked up once and
 * remembered.
 */
public class SqsJobQueue implements JobQueue {

	private final SqsAsyncClient sqs;

	private final String queueName;

	private volatile CompletableFuture<String> queueUrl;

	public SqsJobQueue(SqsAsyncClient sqs, String queueName) {
		this.sqs = sqs;
		this.queueName = queueName;
	}

	@Override
	public CompletableFuture<Void> send(JobMessage message) {
		return queueUrl()
			.thenCompose((url) -> this.sqs
				.sendMessage((request) -> request.queueUrl(url).messageBody(JobMessageCodec.encode(message))))
			.thenApply((response) -> null);
	}

	/**
	 * The queue's URL; a failed look-up (SQS down, queue not created yet) is tried again
	 * on the next call.
	 */
	CompletableFuture<String> queueUrl() {
		CompletableFuture<String> url = this.queueUrl;
		if (url == null || url.isCompletedExceptionally()) {
			url = this.sqs.getQueueUrl((request) -> request.queueName(this.queueName))
				.thenApply((response) -> response.queueUrl());
			this.queueUrl = url;
		}
		return url;
	}

}
