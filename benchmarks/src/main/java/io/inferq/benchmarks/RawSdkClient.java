package io.inferq.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import io.inferq.infra.local.LocalAws;
import io.inferq.job.JobId;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A plain SDK client making the calls the API must make, and nothing else, on a system's
 * own table and queues: the yardstick of {@code api.overRawSdk} and
 * {@code bulk.overRawSdk}. Its items are copies of a job the API stored (same attributes,
 * same size) under new IDs; its messages are the API's messages of those IDs.
 */
final class RawSdkClient implements AutoCloseable {

	/** BatchWriteItem's most items per call. */
	private static final int WRITES_PER_CALL = 25;

	/** SendMessageBatch's most entries per call. */
	private static final int MESSAGES_PER_CALL = 10;

	/**
	 * Calls in flight for a bulk enqueue: the ingest's default parallelism (6 chunks of
	 * 100 items) in calls of 25 writes, or of 10 messages.
	 */
	private static final int BULK_WRITES_IN_FLIGHT = 6 * 100 / WRITES_PER_CALL;

	private static final int BULK_SENDS_IN_FLIGHT = 6 * 100 / MESSAGES_PER_CALL;

	private final DynamoDbAsyncClient dynamoDb;

	private final SqsAsyncClient sqs;

	private final String tableName;

	private final String queueUrl;

	private final String bulkQueueUrl;

	private Map<String, AttributeValue> template;

	private RawSdkClient(DynamoDbAsyncClient dynamoDb, SqsAsyncClient sqs, String tableName, String queueUrl,
			String bulkQueueUrl) {
		this.dynamoDb = dynamoDb;
		this.sqs = sqs;
		this.tableName = tableName;
		this.queueUrl = queueUrl;
		this.bulkQueueUrl = bulkQueueUrl;
	}

	static RawSdkClient of(LocalAws aws, LocalSystem system) {
		DynamoDbAsyncClient dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		SqsAsyncClient sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
		Map<String, String> properties = system.workerProperties();
		return new RawSdkClient(dynamoDb, sqs, properties.get("inferq.aws.table-name"),
				queueUrl(sqs, properties.get("inferq.aws.queue-name")),
				queueUrl(sqs, properties.get("inferq.aws.bulk-queue-name")));
	}

	private static String queueUrl(SqsAsyncClient sqs, String name) {
		return sqs.getQueueUrl((request) -> request.queueName(name)).join().queueUrl();
	}

	/** Writes copies of the stored job {@code jobId} from now on. */
	void useTemplate(String jobId) {
		this.template = this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(jobId)))
				.consistentRead(true))
			.join()
			.item();
	}

	/**
	 * {@code count} submits, {@code concurrency} at once: a conditional {@code PutItem},
	 * then a {@code SendMessage}. Returns the nanoseconds they took.
	 */
	long submitAll(int count, int concurrency) {
		Semaphore window = new Semaphore(concurrency);
		List<CompletableFuture<?>> sent = new ArrayList<>(count);
		long started = System.nanoTime();
		for (int i = 0; i < count; i++) {
			window.acquireUninterruptibly();
			JobId id = JobId.random();
			sent.add(this.dynamoDb
				.putItem((request) -> request.tableName(this.tableName)
					.item(item(id))
					.conditionExpression("attribute_not_exists(#id)")
					.expressionAttributeNames(Map.of("#id", JobTable.KEY)))
				.thenCompose((put) -> this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl)
					.messageBody(JobMessageCodec.encode(JobMessage.of(id, TenantId.DEFAULT)))))
				.whenComplete((done, failure) -> window.release()));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		return System.nanoTime() - started;
	}

	/**
	 * {@code count} jobs written with {@code BatchWriteItem}s, then queued with
	 * {@code SendMessageBatch}es, with the ingest's parallelism. Returns the nanoseconds
	 * they took.
	 */
	long bulk(int count) {
		List<JobId> ids = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			ids.add(JobId.random());
		}
		long started = System.nanoTime();
		Semaphore writes = new Semaphore(BULK_WRITES_IN_FLIGHT);
		List<CompletableFuture<?>> calls = new ArrayList<>();
		for (int from = 0; from < count; from += WRITES_PER_CALL) {
			List<WriteRequest> puts = ids.subList(from, Math.min(count, from + WRITES_PER_CALL))
				.stream()
				.map((id) -> WriteRequest.builder().putRequest(PutRequest.builder().item(item(id)).build()).build())
				.toList();
			writes.acquireUninterruptibly();
			calls.add(this.dynamoDb.batchWriteItem((request) -> request.requestItems(Map.of(this.tableName, puts)))
				.whenComplete((done, failure) -> writes.release()));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		sendAll(this.sqs, this.bulkQueueUrl, ids, BULK_SENDS_IN_FLIGHT);
		return System.nanoTime() - started;
	}

	/**
	 * Queues the jobs' messages (the API's, of the default tenant) with
	 * {@code SendMessageBatch}es of 10, {@code inFlight} at once; returns when all were
	 * sent.
	 */
	static void sendAll(SqsAsyncClient sqs, String queueUrl, List<JobId> ids, int inFlight) {
		Semaphore sends = new Semaphore(inFlight);
		List<CompletableFuture<?>> calls = new ArrayList<>();
		for (int from = 0; from < ids.size(); from += MESSAGES_PER_CALL) {
			List<SendMessageBatchRequestEntry> entries = new ArrayList<>(MESSAGES_PER_CALL);
			for (JobId id : ids.subList(from, Math.min(ids.size(), from + MESSAGES_PER_CALL))) {
				entries.add(SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(entries.size()))
					.messageBody(JobMessageCodec.encode(JobMessage.of(id, TenantId.DEFAULT)))
					.build());
			}
			sends.acquireUninterruptibly();
			calls.add(sqs.sendMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries))
				.whenComplete((done, failure) -> sends.release()));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
	}

	private Map<String, AttributeValue> item(JobId id) {
		Map<String, AttributeValue> item = new HashMap<>(this.template);
		item.put(JobTable.KEY, AttributeValue.fromS(id.value()));
		return item;
	}

	@Override
	public void close() {
		this.dynamoDb.close();
		this.sqs.close();
	}

}
