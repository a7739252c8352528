package io.inferq.message.sqs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.inferq.concurrent.Backoff;
import io.inferq.concurrent.Futures;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.message.JobQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@link JobQueue} on an SQS queue, addressed by name; the URL is looked up once and
 * remembered. {@link #sendAll} uses {@code SendMessageBatch} (10 messages, 256 KiB per
 * call) and sends again the entries SQS reports failed, with backoff, unless SQS says the
 * sender is at fault (such an entry can never succeed).
 * <p>
 * Every message is sent with its tenant as {@code MessageGroupId}: on a standard queue
 * that makes SQS fair queues keep one tenant's backlog from raising the dwell time of the
 * others' messages.
 */
public class SqsJobQueue implements JobQueue {

	/** The most entries in one {@code SendMessageBatch}. */
	static final int MAX_BATCH_ENTRIES = 10;

	/** The most bytes of message bodies in one {@code SendMessageBatch}. */
	static final int MAX_BATCH_BYTES = 256 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(SqsJobQueue.class);

	private final SqsAsyncClient sqs;

	private final String queueName;

	private final Backoff failedEntries;

	private volatile CompletableFuture<String> queueUrl;

	public SqsJobQueue(SqsAsyncClient sqs, String queueName) {
		this(sqs, queueName, Backoff.AWS_PARTIAL_FAILURES);
	}

	/**
	 * @param failedEntries how {@link #sendAll} retries the entries SQS failed
	 */
	public SqsJobQueue(SqsAsyncClient sqs, String queueName, Backoff failedEntries) {
		this.sqs = sqs;
		this.queueName = queueName;
		this.failedEntries = failedEntries;
	}

	@Override
	public CompletableFuture<Void> send(JobMessage message) {
		return queueUrl().thenCompose((url) -> this.sqs.sendMessage((request) -> request.queueUrl(url)
			.messageBody(JobMessageCodec.encode(message))
			.messageGroupId(message.tenant().value()))).thenApply((response) -> null);
	}

	@Override
	public CompletableFuture<Void> sendAll(List<JobMessage> messages) {
		List<List<SendMessageBatchRequestEntry>> batches = new ArrayList<>();
		List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
		int batchBytes = 0;
		for (JobMessage message : messages) {
			String body = JobMessageCodec.encode(message);
			int bytes = body.getBytes(StandardCharsets.UTF_8).length;
			if (batch.size() == MAX_BATCH_ENTRIES || (!batch.isEmpty() && batchBytes + bytes > MAX_BATCH_BYTES)) {
				batches.add(batch);
				batch = new ArrayList<>();
				batchBytes = 0;
			}
			batch.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(batch.size()))
				.messageBody(body)
				.messageGroupId(message.tenant().value())
				.build());
			batchBytes += bytes;
		}
		if (!batch.isEmpty()) {
			batches.add(batch);
		}
		return queueUrl().thenCompose((url) -> CompletableFuture
			.allOf(batches.stream().map((entries) -> sendBatch(url, entries, 1)).toArray(CompletableFuture[]::new)));
	}

	private CompletableFuture<Void> sendBatch(String url, List<SendMessageBatchRequestEntry> entries, int attempt) {
		return this.sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries))
			.thenCompose((response) -> {
				if (!response.hasFailed() || response.failed().isEmpty()) {
					return CompletableFuture.completedFuture(null);
				}
				List<BatchResultErrorEntry> failed = response.failed();
				List<BatchResultErrorEntry> senderFaults = failed.stream()
					.filter(BatchResultErrorEntry::senderFault)
					.toList();
				if (!senderFaults.isEmpty()) {
					return Futures.failed(new IllegalStateException(
							"SQS refused " + senderFaults.size() + " job messages as malformed, for example: "
									+ senderFaults.get(0).code() + " " + senderFaults.get(0).message()));
				}
				if (!this.failedEntries.allowsAnotherAttempt(attempt)) {
					return Futures.failed(new IllegalStateException(
							"SQS failed " + failed.size() + " of " + entries.size() + " job messages after " + attempt
									+ " attempts, for example: " + failed.get(0).code()));
				}
				Map<String, SendMessageBatchRequestEntry> byId = entries.stream()
					.collect(Collectors.toMap(SendMessageBatchRequestEntry::id, (entry) -> entry));
				List<SendMessageBatchRequestEntry> again = failed.stream()
					.map((entry) -> byId.get(entry.id()))
					.toList();
				logger.debug("SQS failed {} of {} job messages ({}); sending them again", again.size(), entries.size(),
						failed.get(0).code());
				return this.failedEntries.after(attempt, () -> sendBatch(url, again, attempt + 1));
			});
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
