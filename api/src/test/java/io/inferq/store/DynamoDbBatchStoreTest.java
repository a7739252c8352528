package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.batch.BatchStatus;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbIdempotencyStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.webhook.EventScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Core's batch and idempotency stores, and the batch side of its job store, against
 * DynamoDB Local: counters in the same transaction as the jobs, conditional batch
 * transitions, bulk writes and reads, idempotency claims. (Here rather than beside
 * {@code DynamoDbJobStoreTest} in infra, so that the batch work builds on its own.)
 */
class DynamoDbBatchStoreTest {

	private static final Instant NOW = Instant.now();

	private static DynamoDbAsyncClient dynamoDb;

	private static JobStore jobs;

	private static BatchStore batches;

	private static IdempotencyStore keys;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		JobTable.createIfAbsent(dynamoDb, JobTable.DEFAULT_NAME).join();
		jobs = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		batches = new DynamoDbBatchStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		keys = new DynamoDbIdempotencyStore(dynamoDb, JobTable.DEFAULT_NAME);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void createAllThenAddJobs_shouldCountEveryJobAsQueued() {
		Batch batch = batches.create(aBatch()).join();
		List<Job> created = jobs.createAll(jobsOf(batch, 0, 60)).join();

		batches.addJobs(batch, 0, created.size()).join();

		Batch found = batches.find(batch.id()).join().orElseThrow();
		assertThat(found.total()).isEqualTo(60);
		assertThat(found.counts()).isEqualTo(new BatchCounts(60, 0, 0, 0, 0, 0));
		assertThat(found.status()).isEqualTo(BatchStatus.ENQUEUEING);
		assertThat(jobs.findAll(created.stream().map(Job::id).toList()).join()).hasSize(60)
			.allSatisfy((id, job) -> assertThat(job.batch().batchId()).isEqualTo(batch.id()));
	}

	@Test
	void update_shouldMoveTheBatchCountersInTheSameWrite() {
		Batch batch = enqueued(3);
		Job first = jobs.find(batch.id().jobId(0)).join().orElseThrow();
		Job second = jobs.find(batch.id().jobId(1)).join().orElseThrow();

		Job running = jobs.update(first.start(NOW, Duration.ofMinutes(1))).join();
		jobs.update(running.succeed(Payload.json("{}"), NOW)).join();
		jobs.update(second.cancel(NOW)).join();

		Batch found = batches.find(batch.id()).join().orElseThrow();
		assertThat(found.counts()).isEqualTo(new BatchCounts(1, 0, 1, 0, 1, 0));
		assertThat(found.status()).isEqualTo(BatchStatus.IN_PROGRESS);
	}

	@Test
	void aJobOfABatch_shouldTellItsWatchers_whenTheTransactionThatEndsItSucceeds() {
		Map<JobId, Set<String>> told = new ConcurrentHashMap<>();
		JobStore watched = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7),
				EventScope.CALLBACKS, told::put);
		Batch batch = enqueued(2);
		Job first = watched.find(batch.id().jobId(0)).join().orElseThrow();
		Job second = watched.find(batch.id().jobId(1)).join().orElseThrow();
		assertThat(watched.watch(first.id(), "inbox-a").join()).isTrue();
		Job running = watched.update(first.start(NOW, Duration.ofMinutes(1))).join();
		assertThat(watched.watch(first.id(), "inbox-b").join()).isTrue();

		// The first try expects no watchers, fails on that alone, and is tried
		// again expecting the two.
		watched.update(running.succeed(Payload.json("{}"), NOW)).join();
		watched.update(second.cancel(NOW)).join();

		assertThat(told).containsOnlyKeys(first.id()).containsEntry(first.id(), Set.of("inbox-a", "inbox-b"));
		assertThat(batches.find(batch.id()).join().orElseThrow().counts()).isEqualTo(new BatchCounts(0, 0, 1, 0, 1, 0));
		assertThat(watched.watch(first.id(), "inbox-c").join()).as("a watcher after the end").isFalse();
	}

	@Test
	void aBatch_shouldBeCompleted_whenEveryJobEnded() {
		Batch batch = enqueued(2);
		for (long seq = 0; seq < 2; seq++) {
			Job job = jobs.find(batch.id().jobId(seq)).join().orElseThrow();
			jobs.update(job.fail(new JobError("ModelError", "no"), NOW)).join();
		}

		Batch ended = batches.find(batch.id()).join().orElseThrow();
		assertThat(ended.status()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(ended.endedAt()).as("the end written on the record").isEqualTo(NOW);
	}

	@Test
	void aBatchWhoseJobsEndedBeforeItWasAccepted_shouldBeCompletedByTheEndOfItsIngest() {
		Batch batch = batches.create(aBatch()).join();
		jobs.createAll(jobsOf(batch, 0, 20)).join();
		batches.addJobs(batch, 0, 20).join();
		for (long seq = 0; seq < 20; seq++) {
			Job job = jobs.find(batch.id().jobId(seq)).join().orElseThrow();
			jobs.update(job.cancel(NOW)).join();
		}

		Batch accepted = batches.markEnqueued(batch.id(), "fingerprint", 20, NOW).join();

		assertThat(accepted.status()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(accepted.endedAt()).isEqualTo(NOW);
		assertThat(accepted.enqueuedAt()).isEqualTo(NOW);
		assertThat(accepted.counts()).isEqualTo(new BatchCounts(0, 0, 0, 0, 20, 0));
	}

	@Test
	void aStaleUpdate_shouldFailWithTheCurrentJobAndCountNothing() {
		Batch batch = enqueued(1);
		Job queued = jobs.find(batch.id().jobId(0)).join().orElseThrow();
		Job running = jobs.update(queued.start(NOW, Duration.ofMinutes(1))).join();

		assertThatThrownBy(() -> jobs.update(queued.cancel(NOW)).join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(StaleJobException.class, (stale) -> assertThat(stale.current()).contains(running));
		assertThat(batches.find(batch.id()).join().orElseThrow().counts()).isEqualTo(new BatchCounts(0, 1, 0, 0, 0, 0));
	}

	@Test
	void concurrentUpdatesOfOneBatch_shouldAllCount() {
		int size = 40;
		Batch batch = enqueued(size);
		List<Job> queued = new ArrayList<>(
				jobs.findAll(IntStream.range(0, size).mapToObj((seq) -> batch.id().jobId(seq)).toList())
					.join()
					.values());

		CompletableFuture
			.allOf(queued.stream()
				.map((job) -> jobs.update(job.start(NOW, Duration.ofMinutes(1)))
					.thenCompose((running) -> jobs.update(running.succeed(Payload.json("1"), NOW))))
				.toArray(CompletableFuture[]::new))
			.join();

		Batch found = batches.find(batch.id()).join().orElseThrow();
		assertThat(found.counts()).isEqualTo(new BatchCounts(0, 0, size, 0, 0, 0));
		assertThat(found.status()).isEqualTo(BatchStatus.COMPLETED);
	}

	/**
	 * The reads of one {@code BatchGetItem} are not isolated from a transaction: this
	 * client's first read of the batch sees the record after the last job's transaction
	 * and that job's shard before it, as DynamoDB may answer.
	 */
	@Test
	void find_shouldReadTheShardsAgain_whenTheyLagACompletedRecord() {
		Batch batch = enqueued(2);
		Job first = jobs.find(batch.id().jobId(0)).join().orElseThrow();
		Job last = jobs.find(batch.id().jobId(1)).join().orElseThrow();
		jobs.update(first.fail(new JobError("ModelError", "no"), NOW)).join();
		Map<String, AttributeValue> lastShardBefore = dynamoDb
			.getItem((request) -> request.tableName(JobTable.DEFAULT_NAME)
				.key(Map.of(JobTable.KEY,
						AttributeValue.fromS(JobTable.BATCH_KEY_PREFIX + batch.id().value() + "#shard#1")))
				.consistentRead(true))
			.join()
			.item();
		jobs.update(last.fail(new JobError("ModelError", "no"), NOW)).join();
		AtomicInteger reads = new AtomicInteger();
		ExecutionInterceptor staleFirstRead = new ExecutionInterceptor() {
			@Override
			public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
				if (!(context.response() instanceof BatchGetItemResponse response) || reads.incrementAndGet() > 1) {
					return context.response();
				}
				String lagging = lastShardBefore.get(JobTable.KEY).s();
				List<Map<String, AttributeValue>> items = response.responses()
					.get(JobTable.DEFAULT_NAME)
					.stream()
					.map((item) -> item.get(JobTable.KEY).s().equals(lagging) ? lastShardBefore : item)
					.toList();
				return response.toBuilder().responses(Map.of(JobTable.DEFAULT_NAME, items)).build();
			}
		};
		LocalAws aws = LocalAws.shared();
		try (DynamoDbAsyncClient skewed = aws
			.configure(
					DynamoDbAsyncClient.builder()
						.overrideConfiguration((config) -> config.addExecutionInterceptor(staleFirstRead)),
					aws.dynamoDbEndpoint())
			.build()) {

			Batch found = new DynamoDbBatchStore(skewed, JobTable.DEFAULT_NAME, Duration.ofDays(7)).find(batch.id())
				.join()
				.orElseThrow();

			assertThat(found.status()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(found.counts()).isEqualTo(new BatchCounts(0, 0, 0, 2, 0, 0));
			assertThat(reads).as("the record, then the shards again").hasValue(2);
		}
	}

	@Test
	void create_ofABatchJob_shouldCountIt() {
		Batch batch = batches.create(aBatch()).join();

		jobs.create(jobsOf(batch, 0, 1).get(0)).join();

		assertThat(batches.find(batch.id()).join().orElseThrow().total()).isEqualTo(1);
	}

	@Test
	void batchTransitions_shouldBeConditionalOnTheStoredStatus() {
		Batch batch = batches.create(aBatch()).join();

		Batch renewed = batches.renewLease(batch.id(), NOW.plusSeconds(120)).join();
		Batch enqueued = batches.markEnqueued(batch.id(), "fingerprint", 1, NOW).join();
		Batch cancelled = batches.cancel(batch.id(), NOW).join();

		assertThat(renewed.leaseExpiresAt())
			.isEqualTo(NOW.plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
		assertThat(enqueued.status()).isEqualTo(BatchStatus.IN_PROGRESS);
		assertThat(enqueued.fingerprint()).isEqualTo("fingerprint");
		assertThat(cancelled.isCancelled()).isTrue();
		assertThatThrownBy(() -> batches.cancel(batch.id(), NOW).join()).cause()
			.isInstanceOfSatisfying(StaleBatchException.class,
					(stale) -> assertThat(stale.current()).get()
						.extracting(Batch::status)
						.isEqualTo(BatchStatus.CANCELLED));
		assertThatThrownBy(() -> batches.renewLease(batch.id(), NOW).join()).cause()
			.isInstanceOf(StaleBatchException.class);
	}

	@Test
	void failAsAbandoned_shouldWaitForTheLeaseToLapse() {
		Batch batch = batches.create(aBatch()).join();

		assertThatThrownBy(() -> batches.fail(batch.id(), new JobError("Abandoned", "gone"), NOW, true).join()).cause()
			.isInstanceOf(StaleBatchException.class);
		Batch failed = batches.fail(batch.id(), new JobError("Abandoned", "gone"), NOW.plusSeconds(61), true).join();

		assertThat(failed.status()).isEqualTo(BatchStatus.FAILED);
		assertThat(failed.failure()).isEqualTo(new JobError("Abandoned", "gone"));
		assertThat(failed.isCancelled()).isTrue();
	}

	@Test
	void discard_shouldDeleteTheJobsOfABatchNeverAccepted_andZeroItsCounts() {
		Batch batch = batches.create(aBatch()).join();
		List<Job> stored = jobs.createAll(jobsOf(batch, 0, 230)).join();
		batches.addJobs(batch, 0, 200).join();
		batches.fail(batch.id(), new JobError("InvalidBatch", "line 231"), NOW, false).join();

		batches.discard(batch.id(), 240).join();

		assertThat(jobs.findAll(stored.stream().map(Job::id).toList()).join()).isEmpty();
		assertThat(batches.find(batch.id()).join()).get().satisfies((discarded) -> {
			assertThat(discarded.status()).isEqualTo(BatchStatus.FAILED);
			assertThat(discarded.total()).isZero();
			assertThat(discarded.counts()).isEqualTo(BatchCounts.NONE);
			assertThat(discarded.failure().message()).isEqualTo("line 231");
		});
	}

	@Test
	void discard_shouldLeaveTheJobsOfABatchAcceptedOrStillEnqueueing() {
		Batch accepted = enqueued(3);
		Batch enqueueing = batches.create(aBatch()).join();
		jobs.createAll(jobsOf(enqueueing, 0, 3)).join();

		for (Batch batch : List.of(accepted, enqueueing)) {
			assertThatThrownBy(() -> batches.discard(batch.id(), 3).join()).cause()
				.isInstanceOf(StaleBatchException.class);
			assertThat(jobs.findAll(List.of(batch.id().jobId(0), batch.id().jobId(2))).join()).hasSize(2);
		}
		batches.cancel(accepted.id(), NOW).join();
		assertThatThrownBy(() -> batches.discard(accepted.id(), 3).join()).as("cancelled after it was accepted")
			.cause()
			.isInstanceOf(StaleBatchException.class);
	}

	@Test
	void claim_shouldLetOneWinAndTellTheOthersTheRecord() {
		String key = IdempotencyRecord.keyOf("POST /v1/jobs", JobId.random().value());
		IdempotencyRecord first = new IdempotencyRecord(key, "first", "f1", NOW, NOW.plusSeconds(3600));
		IdempotencyRecord second = new IdempotencyRecord(key, "second", "f2", NOW, NOW.plusSeconds(3600));

		assertThat(keys.claim(first, NOW).join()).isEmpty();
		assertThat(keys.claim(second, NOW).join()).get()
			.satisfies((held) -> assertThat(held.resourceId()).isEqualTo("first"))
			.satisfies((held) -> assertThat(held.fingerprint()).isEqualTo("f1"));
		assertThat(keys.release(second).join()).isFalse();
		assertThat(keys.release(first).join()).isTrue();
		assertThat(keys.claim(second, NOW).join()).isEmpty();
		assertThat(keys.claim(first, NOW.plusSeconds(3600)).join()).as("expired").isEmpty();
	}

	private static Batch enqueued(int size) {
		Batch batch = batches.create(aBatch()).join();
		jobs.createAll(jobsOf(batch, 0, size)).join();
		batches.addJobs(batch, 0, size).join();
		return batches.markEnqueued(batch.id(), null, size, NOW).join();
	}

	private static Batch aBatch() {
		return Batch.start(BatchId.random(), Map.of("team", "search"), NOW, Duration.ofHours(24),
				Duration.ofSeconds(60));
	}

	private static List<Job> jobsOf(Batch batch, int from, int to) {
		return IntStream.range(from, to)
			.mapToObj((seq) -> Job.submitInBatch(new BatchItem(batch.id(), seq, "item-" + seq),
					Payload.json("{\"n\":" + seq + "}"), null, Map.of(), batch.createdAt(), Duration.ofHours(6)))
			.toList();
	}

}
