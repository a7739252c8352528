package io.inferq.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import io.inferq.aws.AwsRequestCounter;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;

import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobAttempt;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Core's {@link DynamoDbJobStore} against DynamoDB Local: the {@link JobStore} contract.
 */
class DynamoDbJobStoreTest {

	/**
	 * Now, not a fixed instant: DynamoDB Local deletes items whose TTL has passed in the
	 * background, and a job's TTL derives from its times.
	 */
	private static final Instant NOW = Instant.now();

	private static DynamoDbAsyncClient dynamoDb;

	private static JobStore store;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		store = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void create_shouldStoreTheJobAtVersionOne() {
		Job job = aQueuedJob();

		Job created = store.create(job).join();

		assertThat(created.version()).isEqualTo(1);
		assertThat(store.find(job.id()).join()).contains(created);
	}

	@Test
	void create_shouldKeepTheJobsTenant() {
		Job job = Job.submit(new TenantId("acme"), JobId.random(), Payload.json("{}"), null, Map.of(), NOW,
				Duration.ofHours(1));

		store.create(job).join();

		assertThat(store.find(job.id()).join().orElseThrow().tenant()).isEqualTo(new TenantId("acme"));
		assertThat(aQueuedJob().tenant()).isEqualTo(TenantId.DEFAULT);
	}

	@Test
	void create_shouldFail_whenTheJobExists() {
		Job job = aQueuedJob();
		store.create(job).join();

		assertThatThrownBy(() -> store.create(job).join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(JobAlreadyExistsException.class)
			.hasMessageContaining(job.id().value());
	}

	@Test
	void find_shouldBeEmpty_forAnAbsentJob() {
		assertThat(store.find(JobId.random()).join()).isEmpty();
	}

	@Test
	void update_shouldStoreTheNextVersion_whenAtTheStoredVersion() {
		Job created = store.create(aQueuedJob()).join();

		Job started = store.update(created.start(NOW, Duration.ofMinutes(5))).join();

		assertThat(started.version()).isEqualTo(2);
		assertThat(store.find(created.id()).join()).contains(started);
	}

	@Test
	void update_shouldFailWithTheCurrentJob_whenStale() {
		Job created = store.create(aQueuedJob()).join();
		Job started = store.update(created.start(NOW, Duration.ofMinutes(5))).join();

		assertThatThrownBy(() -> store.update(created.cancel(NOW)).join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(StaleJobException.class, (stale) -> assertThat(stale.current()).contains(started));
	}

	@Test
	void renewLease_shouldExtendTheLease_withoutANewVersion() {
		Job started = store.update(store.create(aQueuedJob()).join().start(NOW, Duration.ofSeconds(30))).join();

		Job renewed = store.renewLease(started.renewLease(NOW.plusSeconds(10), Duration.ofSeconds(30))).join();

		Job stored = store.find(started.id()).join().orElseThrow();
		assertThat(stored.version()).isEqualTo(started.version());
		assertThat(stored.leaseExpiresAt()).isEqualTo(NOW.plusSeconds(40)).isEqualTo(renewed.leaseExpiresAt());
		assertThat(store.update(renewed.succeed(new Payload(new byte[] { 1 }, "application/octet-stream"), NOW))
			.join()
			.status()).isEqualTo(JobStatus.SUCCEEDED);
	}

	@Test
	void renewLease_shouldFail_whenTheJobWasCancelled() {
		Job started = store.update(store.create(aQueuedJob()).join().start(NOW, Duration.ofSeconds(30))).join();
		Job cancelled = store.update(started.cancel(NOW)).join();

		assertThatThrownBy(() -> store.renewLease(started.renewLease(NOW, Duration.ofSeconds(30))).join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(StaleJobException.class,
					(stale) -> assertThat(stale.current()).contains(cancelled));
	}

	@Test
	void update_shouldFail_whenTheJobIsTooLarge() {
		Job created = store.create(aQueuedJob()).join();
		Job running = store.update(created.start(NOW, Duration.ofMinutes(5))).join();
		Payload huge = new Payload(new byte[(int) DynamoDbJobStore.MAX_ITEM_BYTES], "application/octet-stream");

		assertThatThrownBy(() -> store.update(running.succeed(huge, NOW)).join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOf(JobTooLargeException.class);
		assertThat(store.find(created.id()).join()).contains(running);
	}

	@Test
	void jobs_shouldRoundTrip_withEveryField() {
		Job created = store.create(aQueuedJob()).join();
		Job retried = store
			.update(store.update(created.start(NOW, Duration.ofMinutes(5)))
				.join()
				.retryLater(new JobError("ModelError", "Received server error (500) from primary"), NOW.plusSeconds(1)))
			.join();
		Job succeeded = retried.start(NOW.plusSeconds(30), Duration.ofMinutes(5))
			.succeed(new Payload(new byte[] { 0, 1, 2, (byte) 0xff }, "application/x-npy"), NOW.plusSeconds(31));
		Job stored = store.update(succeeded).join();

		Job found = store.find(created.id()).join().orElseThrow();

		assertThat(found).isEqualTo(stored);
		assertThat(found.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(found.metadata()).containsEntry("tenant", "acme").containsEntry("ünïcode", "✓");
		assertThat(found.input().bytes()).isEqualTo("{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
		assertThat(found.accept()).isEqualTo("application/x-npy");
		assertThat(found.createdAt()).isEqualTo(NOW);
		assertThat(found.startedAt()).isEqualTo(NOW.plusSeconds(30));
		assertThat(found.finishedAt()).isEqualTo(NOW.plusSeconds(31));
		assertThat(found.deadline()).isEqualTo(NOW.plus(1, ChronoUnit.HOURS));
		assertThat(found.attempts()).isEqualTo(2);
		assertThat(found.output().bytes()).containsExactly(0, 1, 2, 0xff);
		assertThat(retried.error()).isEqualTo(new JobError("ModelError", "Received server error (500) from primary"));
		assertThat(found.history()).containsExactly(
				new JobAttempt(1, NOW, NOW.plusSeconds(1), JobAttempt.Outcome.RETRIED, retried.error()),
				new JobAttempt(2, NOW.plusSeconds(30), NOW.plusSeconds(31), JobAttempt.Outcome.SUCCEEDED, null));
	}

	@Test
	void failedJobs_shouldKeepTheirError() {
		Job created = store.create(aQueuedJob()).join();
		Job failed = store.update(created.fail(new JobError("Expired", "too late"), NOW)).join();

		assertThat(store.find(created.id()).join()).get().satisfies((found) -> {
			assertThat(found).isEqualTo(failed);
			assertThat(found.error()).isEqualTo(new JobError("Expired", "too late"));
			assertThat(found.leaseExpiresAt()).isNull();
		});
	}

	/**
	 * The one-write start writes exactly what reading the job and writing its start
	 * writes: the same item, with the job's input, history and error as they were.
	 */
	@Test
	void startFirstAttempt_shouldStoreWhatAReadAndAStartStore_inOneUpdateItem() {
		AwsRequestCounter requests = new AwsRequestCounter();
		LocalAws aws = LocalAws.shared();
		try (DynamoDbAsyncClient counted = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.overrideConfiguration((client) -> client.addExecutionInterceptor(requests))
			.build()) {
			JobStore countedStore = new DynamoDbJobStore(counted, JobTable.DEFAULT_NAME, Duration.ofDays(7));
			Job fresh = Job.submit(new TenantId("acme"), JobId.random(), Payload.json("{\"prompt\":\"hi\"}"),
					"application/x-npy", Map.of("k", "v"), NOW, Duration.ofHours(1));
			// Back in the queue after a request the endpoint never served: no attempt
			// counted, but a history and an error.
			Job unserved = aQueuedJob().start(NOW, Duration.ofSeconds(30))
				.requeueUnserved(new JobError("CapacityLost", "share lapsed"), NOW.plusSeconds(1));
			for (Job queued : new Job[] { fresh, unserved }) {
				Instant startedAt = NOW.plusSeconds(2);
				Job expected = queued.start(startedAt, Duration.ofSeconds(30)).withVersion(2);
				Job read = store.create(queued).join();
				store.update(read.start(startedAt, Duration.ofSeconds(30))).join();
				Map<String, AttributeValue> readThenStarted = rawItem(queued.id());
				deleteItem(queued.id());
				store.create(queued).join();
				AwsRequestCounter.Counts before = requests.counts();

				Job started = countedStore
					.startFirstAttempt(queued.id(), queued.tenant(), startedAt, Duration.ofSeconds(30))
					.join();

				assertThat(requests.counts().minus(before).requests())
					.containsOnlyKeys(new AwsRequestCounter.Call(AwsRequestCounter.DYNAMODB, "UpdateItem", "job"))
					.containsValue(1L);
				assertThat(started).isEqualTo(expected);
				assertThat(store.find(queued.id()).join()).contains(expected);
				assertThat(rawItem(queued.id())).isEqualTo(readThenStarted);
			}
		}
	}

	/**
	 * Any job but a first start of no batch is refused, with the job as stored and
	 * nothing written, for the worker to decide on as if it had read it.
	 */
	@Test
	void startFirstAttempt_shouldRefuseWithTheStoredJob_unlessAFirstStartOfNoBatch() {
		Instant now = NOW.plusSeconds(2);
		Job queued = store.create(aQueuedJob()).join();
		Job running = store.update(store.create(aQueuedJob()).join().start(NOW, Duration.ofMinutes(5))).join();
		Job retried = store
			.update(store.update(store.create(aQueuedJob()).join().start(NOW, Duration.ofMinutes(5)))
				.join()
				.retryLater(new JobError("ModelError", "500"), NOW.plusSeconds(1)))
			.join();
		Job cancelled = store.update(store.create(aQueuedJob()).join().cancel(NOW)).join();
		Job nearItsDeadline = store.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW,
				Duration.between(NOW, now.plusMillis(999))))
			.join();
		Job fullHistory = aQueuedJob();
		for (int i = 0; i < Job.MAX_HISTORY; i++) {
			fullHistory = fullHistory.start(NOW, Duration.ofSeconds(30))
				.requeueUnserved(new JobError("CapacityLost", "share lapsed"), NOW);
		}
		fullHistory = store.create(fullHistory).join();
		Job ofABatch = store
			.create(Job.submitInBatch(new BatchItem(BatchId.random(), 0, "first"), Payload.json("{}"), null, Map.of(),
					NOW, Duration.ofHours(1)))
			.join();

		for (Job stored : new Job[] { running, retried, cancelled, nearItsDeadline, fullHistory, ofABatch }) {
			assertThat(refusal(stored.id(), stored.tenant(), now)).as(stored.status() + " " + stored.id())
				.contains(stored);
			assertThat(store.find(stored.id()).join()).contains(stored);
		}
		assertThat(refusal(queued.id(), new TenantId("someone-else"), now)).contains(queued);
		assertThat(refusal(JobId.random(), TenantId.DEFAULT, now)).isEmpty();
		assertThat(store.find(queued.id()).join()).contains(queued);
		assertThat(queued.isFirstStartable(TenantId.DEFAULT, now)).isTrue();
		assertThat(nearItsDeadline.isFirstStartable(TenantId.DEFAULT, now)).isFalse();
		assertThat(fullHistory.history()).hasSize(Job.MAX_HISTORY);
		assertThat(fullHistory.attempts()).isZero();
		assertThat(fullHistory.isFirstStartable(TenantId.DEFAULT, now)).isFalse();
	}

	/** The job a refused {@code startFirstAttempt} returned (the stale failure's). */
	private static Optional<Job> refusal(JobId id, TenantId tenant, Instant now) {
		Throwable failure = catchThrowable(
				() -> store.startFirstAttempt(id, tenant, now, Duration.ofSeconds(30)).join());
		assertThat(failure).isInstanceOf(CompletionException.class).cause().isInstanceOf(StaleJobException.class);
		return ((StaleJobException) failure.getCause()).current();
	}

	private static Map<String, AttributeValue> rawItem(JobId id) {
		return dynamoDb
			.getItem((request) -> request.tableName(JobTable.DEFAULT_NAME)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(id.value())))
				.consistentRead(true))
			.join()
			.item();
	}

	private static void deleteItem(JobId id) {
		dynamoDb
			.deleteItem((request) -> request.tableName(JobTable.DEFAULT_NAME)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(id.value()))))
			.join();
	}

	private static Job aQueuedJob() {
		return Job.submit(JobId.random(), Payload.json("{\"prompt\":\"hi\"}"), "application/x-npy",
				Map.of("tenant", "acme", "ünïcode", "✓"), NOW, Duration.ofHours(1));
	}

}
