package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

import io.inferq.infra.JobResources;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.payload.ClaimCheckJobStore;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.payload.s3.S3PayloadStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one job's life costs in DynamoDB write units, as DynamoDB Local reports them
 * ({@code ReturnConsumedCapacity}): created QUEUED, started, succeeded with a small
 * output. Before the claim check every write was a {@code PutItem} of the whole item, the
 * input included; now inputs above the inline threshold live in S3 and changes of state
 * are {@code UpdateItem}s of the state attributes. The figures are printed for the
 * README.
 */
class WriteUnitsTest {

	/** Write units on the table itself. */
	private static final DoubleAdder units = new DoubleAdder();

	/** Write units on the tenant indexes (keys only, one unit per entry written). */
	private static final DoubleAdder indexUnits = new DoubleAdder();

	private static DynamoDbAsyncClient dynamoDb;

	private static S3AsyncClient s3;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.overrideConfiguration((client) -> client.addExecutionInterceptor(new CountingInterceptor()))
			.build();
		s3 = JobResources.s3(aws).build();
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
		s3.close();
	}

	@Test
	void stateChanges_shouldNotRewriteAnInputKeptInS3() {
		JobStore claimCheck = new ClaimCheckJobStore(
				new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7)),
				new S3PayloadStore(s3, PayloadBucket.DEFAULT_NAME, PayloadBucket.DEFAULT_PREFIX, List.of()), 4096);
		Map<Integer, double[]> figures = new LinkedHashMap<>();
		for (int size : new int[] { 200, 1024, 4096, 10 * 1024, 200 * 1024, 350 * 1024 }) {
			double before = (size <= 350 * 1024) ? wholeItemPuts(size) : Double.NaN;
			double after = lifeOf(claimCheck, size);
			figures.put(size, new double[] { before, after, indexUnits.sum() });
		}
		figures.forEach((size, units) -> System.out.printf(
				"write units per job, %7d-byte input: before %6.1f, now %4.1f (table) + %3.1f (tenant indexes)%n", size,
				units[0], units[1], units[2]));

		assertThat(figures.get(200 * 1024)[0]).isGreaterThan(3 * 200);
		assertThat(figures.get(200 * 1024)[1]).isLessThanOrEqualTo(3);
		assertThat(figures.get(350 * 1024)[1]).isLessThanOrEqualTo(3);
		assertThat(figures.get(4096)[1]).isLessThanOrEqualTo(3 * 6);
	}

	/**
	 * What an S3 round trip costs in time next to a DynamoDB write, on the stand-ins
	 * (medians of 50): printed for the README, where the inline threshold is chosen.
	 */
	@Test
	void roundTrips_measured() {
		S3PayloadStore payloads = new S3PayloadStore(s3, PayloadBucket.DEFAULT_NAME, PayloadBucket.DEFAULT_PREFIX,
				List.of());
		JobStore jobs = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		for (int size : new int[] { 4096, 300 * 1024 }) {
			Payload payload = Payload.json("\"" + "x".repeat(size - 2) + "\"");
			long[] s3Millis = new long[50];
			long[] dynamoMillis = new long[50];
			for (int i = 0; i < 50; i++) {
				long start = System.nanoTime();
				Payload stored = payloads.put(payload).join();
				payloads.get(stored, size).join();
				s3Millis[i] = System.nanoTime() - start;
				start = System.nanoTime();
				if (size < 350 * 1024) {
					jobs.create(Job.submit(JobId.random(), payload, null, Map.of(), Instant.now(), Duration.ofHours(1)))
						.join();
				}
				dynamoMillis[i] = System.nanoTime() - start;
			}
			Arrays.sort(s3Millis);
			Arrays.sort(dynamoMillis);
			System.out.printf("%7d bytes: S3 PutObject + GetObject median %.2f ms; DynamoDB PutItem median %.2f ms%n",
					size, s3Millis[25] / 1e6, dynamoMillis[25] / 1e6);
			assertThat(s3Millis[25]).isPositive();
		}
	}

	/** Created, started, succeeded: the write units the job store consumed. */
	private static double lifeOf(JobStore store, int inputSize) {
		units.reset();
		indexUnits.reset();
		Instant now = Instant.now();
		Job created = store.create(job(inputSize, now)).join();
		Job running = store.update(created.start(now, Duration.ofMinutes(3))).join();
		store.update(running.succeed(Payload.json("{\"message\":\"finish\"}"), now)).join();
		return units.sum();
	}

	/**
	 * The same life as the store wrote it before: each write a conditional
	 * {@code PutItem} of the whole item, with the input inline.
	 */
	private static double wholeItemPuts(int inputSize) {
		units.reset();
		indexUnits.reset();
		Instant now = Instant.now();
		Job queued = job(inputSize, now);
		Job running = queued.withVersion(1).start(now, Duration.ofMinutes(3));
		Job succeeded = running.withVersion(2).succeed(Payload.json("{\"message\":\"finish\"}"), now);
		for (Job job : List.of(queued, running, succeeded)) {
			byte[] input = job.input().bytes();
			Map<String, AttributeValue> item = new LinkedHashMap<>();
			item.put(JobTable.KEY, AttributeValue.fromS(job.id().value()));
			item.put("input",
					software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromB(SdkBytes.fromByteArray(input)));
			item.put("inputType", AttributeValue.fromS("application/json"));
			item.put("status", AttributeValue.fromS(job.status().name()));
			item.put("createdAt", AttributeValue.fromS(now.toString()));
			item.put("deadline", AttributeValue.fromS(now.toString()));
			item.put("attempts", AttributeValue.fromN("1"));
			item.put("version", AttributeValue.fromN("1"));
			if (job.output() != null) {
				item.put("output", AttributeValue.fromB(SdkBytes.fromByteArray(job.output().bytes())));
			}
			dynamoDb.putItem(PutItemRequest.builder().tableName(JobTable.DEFAULT_NAME).item(item).build()).join();
		}
		return units.sum();
	}

	private static Job job(int inputSize, Instant now) {
		String input = "\"" + "x".repeat(inputSize - 2) + "\"";
		return Job.submit(JobId.random(), Payload.json(input), null, Map.of(), now, Duration.ofHours(1));
	}

	/**
	 * Asks every write for its consumed capacity, per table and index, and adds it up:
	 * the table's units to {@link #units}, the tenant indexes' to {@link #indexUnits}.
	 */
	private static final class CountingInterceptor implements ExecutionInterceptor {

		@Override
		public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
			if (context.request() instanceof PutItemRequest put) {
				return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
			}
			if (context.request() instanceof UpdateItemRequest update) {
				return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
			}
			return context.request();
		}

		@Override
		public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
			ConsumedCapacity consumed = (context.response() instanceof PutItemResponse put) ? put.consumedCapacity()
					: (context.response() instanceof UpdateItemResponse update) ? update.consumedCapacity() : null;
			if (consumed == null || consumed.capacityUnits() == null) {
				return;
			}
			double indexes = consumed.globalSecondaryIndexes()
				.values()
				.stream()
				.mapToDouble((index) -> (index.capacityUnits() != null) ? index.capacityUnits() : 0)
				.sum();
			double table = (consumed.table() != null && consumed.table().capacityUnits() != null)
					? consumed.table().capacityUnits() : consumed.capacityUnits() - indexes;
			units.add(table);
			indexUnits.add(indexes);
		}

	}

}
