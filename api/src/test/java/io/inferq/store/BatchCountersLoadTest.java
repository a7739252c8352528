package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.batch.BatchStatus;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.Payload;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's counters under load, driven through the stores alone (not the whole system,
 * which is slower than the bound): the jobs of one batch change status (QUEUED, RUNNING,
 * SUCCEEDED) as fast as DynamoDB Local takes it, and a log of every write the client
 * sends (its item's key and when) shows that no key is written more than 1,000 times in
 * any second, that no key takes more than an eighth of the writes (so that at 3,000
 * transitions a second, none would take more than 375 a second), that the counts stay
 * exact, and that the batch's end is written once.
 * <p>
 * DynamoDB Local runs transactions far slower than DynamoDB: on a loaded 2-core machine
 * about 200-300 transitions a second. The test asserts at least
 * {@code inferq.test.batch-load-rate} transitions a second (default 100, a floor that
 * catches a serialised design; set 3000 on a machine that can give it). Budget: 800 jobs,
 * about 6-15 s on a loaded 2-core machine.
 */
class BatchCountersLoadTest {

	/** 50 jobs on each of the 16 shards: 1,600 transitions. */
	private static final int JOBS = 800;

	/** Job writes in flight, as a few busy workers would have. */
	private static final int IN_FLIGHT = 128;

	private static final Instant NOW = Instant.now();

	private static final WriteLog log = new WriteLog();

	private static DynamoDbAsyncClient dynamoDb;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.overrideConfiguration((client) -> client.addExecutionInterceptor(log))
			.build();
		JobTable.createIfAbsent(dynamoDb, JobTable.DEFAULT_NAME).join();
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void transitions_shouldSpreadOverShards_countExactly_andEndTheBatchOnce() {
		JobStore jobs = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		BatchStore batches = new DynamoDbBatchStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		Batch batch = batches
			.create(Batch.start(BatchId.random(), Map.of(), NOW, Duration.ofHours(6), Duration.ofSeconds(60)))
			.join();
		List<Job> queued = new ArrayList<>();
		for (int from = 0; from < JOBS; from += 100) {
			List<Job> chunk = jobs.createAll(jobsOf(batch, from, Math.min(JOBS, from + 100))).join();
			batches.addJobs(batch, from, chunk.size()).join();
			queued.addAll(chunk);
		}
		batches.markEnqueued(batch.id(), null, JOBS, NOW).join();

		log.start();
		long started = System.nanoTime();
		Semaphore window = new Semaphore(IN_FLIGHT);
		List<CompletableFuture<Job>> lives = new ArrayList<>();
		for (Job job : queued) {
			window.acquireUninterruptibly();
			lives.add(jobs.update(job.start(Instant.now(), Duration.ofMinutes(1)))
				.thenCompose((running) -> jobs.update(running.succeed(Payload.json("{\"ok\":true}"), Instant.now())))
				.whenComplete((done, failure) -> window.release()));
		}
		CompletableFuture.allOf(lives.toArray(CompletableFuture[]::new)).join();
		double seconds = (System.nanoTime() - started) / 1e9;
		log.stop();

		int transitions = 2 * JOBS;
		Map.Entry<String, Long> hottest = log.hottestKeyPerSecond();
		Batch ended = batches.find(batch.id()).join().orElseThrow();
		System.out.printf(
				"%d transitions in %.2f s: %.0f per second; the most writes one key took in one second: %d (%s), "
						+ "in all: %d; batch record writes: %d; shard writes: %d%n",
				transitions, seconds, transitions / seconds, hottest.getValue(), hottest.getKey(),
				log.mostWritesOfOneKey(), log.writesOf(batchKey(batch)),
				log.writesOfPrefix(batchKey(batch) + "#shard#"));
		assertThat(transitions / seconds).as("transitions per second").isGreaterThanOrEqualTo(minimumRate());
		assertThat(hottest.getValue()).as("writes of the hottest key in one second").isLessThanOrEqualTo(1_000);
		assertThat(log.mostWritesOfOneKey()).as("writes of the most written key, of %d transitions", transitions)
			.isLessThanOrEqualTo(transitions / 8);
		assertThat(ended.total()).isEqualTo(JOBS);
		assertThat(ended.counts()).isEqualTo(new BatchCounts(0, 0, JOBS, 0, 0, 0));
		assertThat(ended.status()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(ended.endedAt()).isNotNull();
		assertThat(log.completions(batchKey(batch))).as("writes of the batch's end").isEqualTo(1);
	}

	/** The least rate of transitions a second the test accepts (see above). */
	private static double minimumRate() {
		return Double.parseDouble(System.getProperty("inferq.test.batch-load-rate", "100"));
	}

	private static String batchKey(Batch batch) {
		return JobTable.BATCH_KEY_PREFIX + batch.id().value();
	}

	private static List<Job> jobsOf(Batch batch, int from, int to) {
		return IntStream.range(from, to)
			.mapToObj((seq) -> Job.submitInBatch(new BatchItem(batch.id(), seq, "item-" + seq),
					Payload.json("{\"n\":" + seq + "}"), null, Map.of(), batch.createdAt(), Duration.ofHours(6)))
			.toList();
	}

	/**
	 * Every write request's items, with the second (since the log started) it was sent
	 * in; and the writes that completed a batch ({@code :completed} in their values).
	 */
	static final class WriteLog implements ExecutionInterceptor {

		private final Map<String, Map<Long, AtomicInteger>> perKeyAndSecond = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<String> completions = new ConcurrentLinkedQueue<>();

		private final AtomicLong startedAt = new AtomicLong();

		private volatile boolean on;

		void start() {
			this.startedAt.set(System.nanoTime());
			this.on = true;
		}

		void stop() {
			this.on = false;
		}

		@Override
		public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
			if (!this.on) {
				return;
			}
			long second = (System.nanoTime() - this.startedAt.get()) / 1_000_000_000L;
			if (context.request() instanceof TransactWriteItemsRequest transaction) {
				for (TransactWriteItem item : transaction.transactItems()) {
					if (item.update() != null) {
						write(item.update().key(), item.update().expressionAttributeValues(), second);
					}
					else if (item.put() != null) {
						write(item.put().item(), item.put().expressionAttributeValues(), second);
					}
				}
			}
			else if (context.request() instanceof UpdateItemRequest update) {
				write(update.key(), update.expressionAttributeValues(), second);
			}
			else if (context.request() instanceof PutItemRequest put) {
				write(put.item(), put.expressionAttributeValues(), second);
			}
		}

		private void write(Map<String, AttributeValue> key, Map<String, AttributeValue> values, long second) {
			String id = key.get(JobTable.KEY).s();
			this.perKeyAndSecond.computeIfAbsent(id, (k) -> new ConcurrentHashMap<>())
				.computeIfAbsent(second, (s) -> new AtomicInteger())
				.incrementAndGet();
			if (values != null && values.containsKey(":completed")) {
				this.completions.add(id);
			}
		}

		Map.Entry<String, Long> hottestKeyPerSecond() {
			String hottest = null;
			long most = 0;
			for (Map.Entry<String, Map<Long, AtomicInteger>> key : this.perKeyAndSecond.entrySet()) {
				for (AtomicInteger count : key.getValue().values()) {
					if (count.get() > most) {
						most = count.get();
						hottest = key.getKey();
					}
				}
			}
			return Map.entry(String.valueOf(hottest), most);
		}

		long mostWritesOfOneKey() {
			return this.perKeyAndSecond.values()
				.stream()
				.mapToLong((seconds) -> seconds.values().stream().mapToLong(AtomicInteger::get).sum())
				.max()
				.orElse(0);
		}

		long writesOf(String key) {
			return this.perKeyAndSecond.getOrDefault(key, Map.of())
				.values()
				.stream()
				.mapToLong(AtomicInteger::get)
				.sum();
		}

		long writesOfPrefix(String prefix) {
			return this.perKeyAndSecond.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().startsWith(prefix))
				.flatMap((entry) -> entry.getValue().values().stream())
				.mapToLong(AtomicInteger::get)
				.sum();
		}

		long completions(String key) {
			return this.completions.stream().filter(key::equals).count();
		}

	}

}
