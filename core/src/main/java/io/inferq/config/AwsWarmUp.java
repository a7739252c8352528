package io.inferq.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Opens the connections of an app's DynamoDB, SQS and S3 clients and runs each kind of
 * request it will make once, so that the first request a user sends pays for neither
 * connections nor class loading. Reads only, two conditional writes that cannot succeed
 * (an update, and a job's create as a submit makes it) and a job's message sent to a
 * queue that does not exist: it stores nothing, queues nothing and no user sees a trace
 * of it (a failed conditional write costs one write unit).
 * <p>
 * Answers whether DynamoDB and SQS answered (S3 is optional: an app works without it for
 * small payloads).
 */
public final class AwsWarmUp {

	private static final Logger logger = LoggerFactory.getLogger(AwsWarmUp.class);

	/** The property that sets how many rounds each app's warm-up runs. */
	public static final String ROUNDS_PROPERTY = "inferq.warm-up.rounds";

	/**
	 * How many rounds each app's warm-up runs by default: 30, so that the JIT has
	 * compiled the request paths before the app reports ready. With 3 rounds the seed's
	 * first submits right after {@code bin/run-local} reported ready took 345-379 ms and
	 * its makespan 10.69-10.73 s; with 30, 174-199 ms and 10.51-10.52 s, for about 3 s
	 * more warm-up; with 100, no better (180-315 ms) for 11 s
	 * ({@code bin/seed-after-start
	 * --runs 2}, 2026-12-01).
	 */
	public static final int DEFAULT_ROUNDS = 30;

	/** The key of the records read and never written; no record has it. */
	private static final String ABSENT_KEY_PREFIX = "warm-up#";

	/** Ends the name of the queues sent to and never created. */
	private static final String ABSENT_QUEUE_SUFFIX = "warm-up-absent-";

	private static final Payload WARM_UP_INPUT = new Payload(
			"{\"message\":\"warm-up\"}".getBytes(StandardCharsets.UTF_8), "application/json");

	private final DynamoDbAsyncClient dynamoDb;

	private final SqsAsyncClient sqs;

	private final S3AsyncClient s3;

	private final InferqAwsProperties properties;

	public AwsWarmUp(DynamoDbAsyncClient dynamoDb, SqsAsyncClient sqs, S3AsyncClient s3,
			InferqAwsProperties properties) {
		this.dynamoDb = dynamoDb;
		this.sqs = sqs;
		this.s3 = s3;
		this.properties = properties;
	}

	/**
	 * Runs {@code rounds} rounds of requests, the requests of a round at once, waiting at
	 * most {@code timeout} in all; blocks, so call it at start only.
	 * @return whether DynamoDB and SQS answered every round; a failure is logged, never
	 * thrown
	 */
	public boolean run(int rounds, Duration timeout) {
		long started = System.nanoTime();
		long deadline = started + timeout.toNanos();
		try {
			for (int round = 0; round < rounds; round++) {
				CompletableFuture.allOf(dynamoDb(), sqs())
					.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			s3().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			logger.info("AWS clients warmed up in {} ms ({} rounds)",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), rounds);
			return true;
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("AWS clients could not be warmed up within {}: {}", timeout,
					(ex.getCause() != null) ? ex.getCause().toString() : ex.toString());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private CompletableFuture<Void> dynamoDb() {
		String table = this.properties.tableName();
		Map<String, AttributeValue> absent = Map.of(JobTable.KEY,
				AttributeValue.fromS(ABSENT_KEY_PREFIX + UUID.randomUUID()));
		List<CompletableFuture<?>> requests = new ArrayList<>();
		requests.add(this.dynamoDb.describeTable((request) -> request.tableName(table)));
		requests.add(this.dynamoDb.getItem((request) -> request.tableName(table).key(absent).consistentRead(true)));
		requests.add(this.dynamoDb.query((request) -> request.tableName(table)
			.indexName(JobTable.TENANT_STATUS_INDEX)
			.keyConditionExpression("#p = :p")
			.expressionAttributeNames(Map.of("#p", JobTable.TENANT_STATUS_SHARD))
			.expressionAttributeValues(Map.of(":p", absent.get(JobTable.KEY)))
			.select(Select.COUNT)
			.limit(1)));
		// A write whose condition cannot hold on a record that does not exist: nothing is
		// stored.
		requests.add(
				this.dynamoDb
					.updateItem((request) -> request.tableName(table)
						.key(absent)
						.updateExpression("SET #v = :v")
						.conditionExpression("attribute_exists(#k)")
						.expressionAttributeNames(Map.of("#v", "version", "#k", JobTable.KEY))
						.expressionAttributeValues(Map.of(":v", AttributeValue.fromN("0"))))
					.handle((ignored, failure) -> {
						if (failure != null && !(failure.getCause() instanceof ConditionalCheckFailedException)) {
							throw new IllegalStateException("DynamoDB did not answer as expected", failure);
						}
						return null;
					}));
		// A job's create, refused by its condition: the item and the PutItem a submit
		// makes.
		requests.add(new DynamoDbJobStore(this.dynamoDb, table, this.properties.retention())
			.createNothing(Job.submit(TenantId.DEFAULT, JobId.random(), WARM_UP_INPUT, null, Map.of("k", "v"),
					Instant.now(), Duration.ofHours(1))));
		return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new));
	}

	private CompletableFuture<Void> sqs() {
		return CompletableFuture.allOf(queue(this.properties.queueName()), queue(this.properties.bulkQueueName()));
	}

	private CompletableFuture<?> queue(String name) {
		return this.sqs.getQueueUrl((request) -> request.queueName(name))
			.thenCompose((url) -> CompletableFuture.allOf(
					this.sqs.getQueueAttributes((request) -> request.queueUrl(url.queueUrl())
						.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
					sendToNoQueue(url.queueUrl())));
	}

	/**
	 * A job's message, as a submit sends it, to a queue that does not exist (the lane's
	 * URL with a random suffix): marshalled, signed and sent, then refused; nothing is
	 * queued.
	 */
	private CompletableFuture<Void> sendToNoQueue(String laneUrl) {
		JobMessage message = JobMessage.of(JobId.random(), TenantId.DEFAULT);
		return this.sqs
			.sendMessage((request) -> request.queueUrl(laneUrl + "-" + ABSENT_QUEUE_SUFFIX + UUID.randomUUID())
				.messageBody(JobMessageCodec.encode(message))
				.messageGroupId(message.tenant().value()))
			.handle((sent, failure) -> {
				if (failure == null) {
					throw new IllegalStateException("SQS took a message for a queue that does not exist");
				}
				if (!(failure.getCause() instanceof QueueDoesNotExistException)) {
					logger.debug("SQS refused the warm-up's message otherwise than expected: {}", failure.toString());
				}
				return null;
			});
	}

	private CompletableFuture<Void> s3() {
		return this.s3.headBucket((request) -> request.bucket(this.properties.payloads().bucketName()))
			.handle((ignored, failure) -> {
				if (failure != null) {
					logger.info("S3 bucket {} did not answer the warm-up: {}", this.properties.payloads().bucketName(),
							failure.toString());
				}
				return null;
			});
	}

}
