package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partial failures of the bulk calls, injected at the wire of real clients talking to
 * DynamoDB Local and ElasticMQ: an {@link ExecutionInterceptor} takes some entries out of
 * a request before it is sent (so the service never sees them) and reports them in the
 * response as DynamoDB and SQS report refused entries (unprocessed items, failed entries
 * that are not the sender's fault). The adapters must send them again until every one is
 * stored or queued, exactly once.
 */
class PartialFailureRetryTest {

	private static final String QUEUE = "partial-failures";

	private static final int JOBS = 250;

	private static DynamoDbAsyncClient dynamoDb;

	private static SqsAsyncClient sqs;

	private static final DroppingDynamoDbWrites droppedWrites = new DroppingDynamoDbWrites();

	private static final DroppingSqsEntries droppedEntries = new DroppingSqsEntries();

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.overrideConfiguration((config) -> config.addExecutionInterceptor(droppedWrites))
			.build();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint())
			.overrideConfiguration((config) -> config.addExecutionInterceptor(droppedEntries))
			.build();
		JobTable.createIfAbsent(dynamoDb, JobTable.DEFAULT_NAME).join();
		JobQueues.createIfAbsent(sqs, QUEUE, QUEUE + "-dlq").join();
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
		sqs.close();
	}

	@Test
	void createAll_shouldRetryUnprocessedItemsUntilEveryJobIsStored() {
		JobStore store = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(1));
		BatchId batch = BatchId.random();
		List<Job> jobs = IntStream.range(0, JOBS)
			.mapToObj((seq) -> Job.submitInBatch(new BatchItem(batch, seq, "c" + seq), Payload.json("1"), null,
					Map.of(), Instant.now(), Duration.ofHours(1)))
			.toList();

		store.createAll(jobs).join();

		assertThat(droppedWrites.dropped.get()).as("writes reported unprocessed").isGreaterThan(JOBS / 10);
		assertThat(store.findAll(jobs.stream().map(Job::id).toList()).join()).hasSize(JOBS);
	}

	@Test
	void sendAll_shouldResendFailedEntriesUntilEveryMessageIsQueuedOnce() {
		SqsJobQueue queue = new SqsJobQueue(sqs, QUEUE);
		BatchId batch = BatchId.random();
		List<JobMessage> messages = IntStream.range(0, JOBS)
			.mapToObj((seq) -> JobMessage.of(batch.jobId(seq)))
			.toList();

		queue.sendAll(messages).join();

		assertThat(droppedEntries.dropped.get()).as("entries reported failed").isGreaterThan(JOBS / 10);
		List<String> received = receiveAll();
		assertThat(received).hasSize(JOBS).doesNotHaveDuplicates();
		assertThat(new HashSet<>(received)).isEqualTo(messages.stream()
			.map((message) -> message.jobId().value())
			.collect(java.util.stream.Collectors.toSet()));
	}

	private static List<String> receiveAll() {
		String url = sqs.getQueueUrl((request) -> request.queueName(QUEUE)).join().queueUrl();
		List<String> ids = new ArrayList<>();
		while (true) {
			List<Message> messages = sqs
				.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
				.join()
				.messages();
			if (messages.isEmpty()) {
				return ids;
			}
			for (Message message : messages) {
				ids.add(JobMessageCodec.decode(message.body()).jobId().value());
				sqs.deleteMessage((request) -> request.queueUrl(url).receiptHandle(message.receiptHandle())).join();
			}
		}
	}

	/**
	 * Takes every third put out of the first tries of each job's write and reports it
	 * unprocessed, as DynamoDB does when a partition is throttled.
	 */
	static final class DroppingDynamoDbWrites implements ExecutionInterceptor {

		private static final ExecutionAttribute<List<WriteRequest>> DROPPED = new ExecutionAttribute<>("droppedWrites");

		final AtomicInteger dropped = new AtomicInteger();

		private final Set<Object> droppedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

		@Override
		public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
			if (!(context.request() instanceof BatchWriteItemRequest request)) {
				return context.request();
			}
			Map<String, List<WriteRequest>> kept = new HashMap<>();
			List<WriteRequest> dropped = new ArrayList<>();
			request.requestItems().forEach((table, writes) -> {
				List<WriteRequest> keptWrites = new ArrayList<>();
				for (int i = 0; i < writes.size(); i++) {
					WriteRequest write = writes.get(i);
					if (i % 3 == 1 && this.droppedOnce.add(write.putRequest().item())) {
						dropped.add(write);
					}
					else {
						keptWrites.add(write);
					}
				}
				kept.put(table, keptWrites);
			});
			this.dropped.addAndGet(dropped.size());
			attributes.putAttribute(DROPPED, dropped);
			return request.toBuilder().requestItems(kept).build();
		}

		@Override
		public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
			List<WriteRequest> dropped = attributes.getAttribute(DROPPED);
			if (!(context.response() instanceof BatchWriteItemResponse response) || dropped == null
					|| dropped.isEmpty()) {
				return context.response();
			}
			return response.toBuilder().unprocessedItems(Map.of(JobTable.DEFAULT_NAME, dropped)).build();
		}

	}

	/**
	 * Takes every third entry out of the first tries of each message and reports it
	 * failed through no fault of the sender, as SQS does when it is briefly unavailable.
	 */
	static final class DroppingSqsEntries implements ExecutionInterceptor {

		private static final ExecutionAttribute<List<SendMessageBatchRequestEntry>> DROPPED = new ExecutionAttribute<>(
				"droppedEntries");

		final AtomicInteger dropped = new AtomicInteger();

		private final Set<String> droppedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();

		@Override
		public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
			if (!(context.request() instanceof SendMessageBatchRequest request)) {
				return context.request();
			}
			List<SendMessageBatchRequestEntry> kept = new ArrayList<>();
			List<SendMessageBatchRequestEntry> dropped = new ArrayList<>();
			for (int i = 0; i < request.entries().size(); i++) {
				SendMessageBatchRequestEntry entry = request.entries().get(i);
				if (i % 3 == 0 && this.droppedOnce.add(entry.messageBody())) {
					dropped.add(entry);
				}
				else {
					kept.add(entry);
				}
			}
			this.dropped.addAndGet(dropped.size());
			attributes.putAttribute(DROPPED, dropped);
			return request.toBuilder().entries(kept).build();
		}

		@Override
		public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
			List<SendMessageBatchRequestEntry> dropped = attributes.getAttribute(DROPPED);
			if (!(context.response() instanceof SendMessageBatchResponse response) || dropped == null
					|| dropped.isEmpty()) {
				return context.response();
			}
			List<BatchResultErrorEntry> failed = new ArrayList<>(response.failed());
			dropped.forEach((entry) -> failed.add(BatchResultErrorEntry.builder()
				.id(entry.id())
				.senderFault(false)
				.code("ServiceUnavailable")
				.message("Injected by the test")
				.build()));
			return response.toBuilder().failed(failed).build();
		}

	}

}
