package io.inferq.worker.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import io.inferq.webhook.EventScope;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookOutbox;
import io.inferq.webhook.WebhookQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The relay around the job store and the sweeper, with in-memory ports: an ended job's
 * event is queued, then its mark cleared; a mark whose event could not be queued stays,
 * and the sweeper queues it. Budget: 1 s.
 */
class OutboxJobStoreTest {

	private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

	private static final URI CALLBACK = URI.create("https://hooks.example.com/x");

	private final Jobs jobs = new Jobs();

	private final Queue queue = new Queue();

	private final Outbox outbox = new Outbox();

	private final OutboxRelay relay = new OutboxRelay(this.queue, this.outbox, EventScope.CALLBACKS);

	private final OutboxJobStore store = new OutboxJobStore(this.jobs, this.relay, 0);

	private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stopTimers() {
		this.timers.shutdownNow();
	}

	@Test
	void update_shouldQueueTheEndedJobsEvent_thenClearItsMark() {
		Job running = this.store.update(aJob(CALLBACK, null).start(NOW, Duration.ofMinutes(1))).join();
		assertThat(this.queue.sent).isEmpty();

		Job ended = this.store.update(running.succeed(Payload.json("{}"), NOW)).join();

		assertThat(this.queue.sent).singleElement().satisfies((message) -> {
			assertThat(message.url()).isEqualTo(CALLBACK);
			assertThat(message.event().id()).isEqualTo("evt_job_" + ended.id());
			assertThat(message.event().type()).isEqualTo("job.succeeded");
		});
		assertThat(this.outbox.cleared).containsExactly(ended.id());
	}

	@Test
	void update_shouldQueueALookAtTheBatch_forAJobOfABatch() {
		BatchItem item = new BatchItem(BatchId.random(), 0, "a");
		Job running = this.store.update(aJob(CALLBACK, item).start(NOW, Duration.ofMinutes(1))).join();

		this.store.update(running.fail(new JobError("Test", "no"), NOW)).join();

		assertThat(this.queue.sent).singleElement()
			.satisfies((message) -> assertThat(message.batch()).isEqualTo(item.batchId()));
	}

	@Test
	void update_shouldQueueNoLookAtTheBatch_whenItsRecordSaysJobsAreLeft_butClearTheMark() {
		BatchItem item = new BatchItem(BatchId.random(), 0, "a");
		this.outbox.unfinished.add(item.batchId());
		Job running = this.store.update(aJob(CALLBACK, item).start(NOW, Duration.ofMinutes(1))).join();

		Job ended = this.store.update(running.fail(new JobError("Test", "no"), NOW)).join();

		assertThat(this.queue.sent).isEmpty();
		assertThat(this.outbox.cleared).containsExactly(ended.id());
	}

	@Test
	void update_shouldQueueNothing_withoutACallback() {
		Job running = this.store.update(aJob(null, null).start(NOW, Duration.ofMinutes(1))).join();

		this.store.update(running.cancel(NOW)).join();

		assertThat(this.queue.sent).isEmpty();
		assertThat(this.outbox.cleared).isEmpty();
	}

	@Test
	void withTopics_everyEndedJobQueuesItsTopicsEvent_besideItsWebhook() {
		OutboxJobStore topics = new OutboxJobStore(this.jobs,
				new OutboxRelay(this.queue, this.outbox, EventScope.EVERY_END), 0);
		Job plain = topics.update(aJob(null, null).start(NOW, Duration.ofMinutes(1))).join();
		Job ended = topics.update(plain.fail(new JobError("ModelError", "the model's words"), NOW)).join();
		assertThat(this.queue.sent).singleElement().satisfies((message) -> {
			assertThat(message.toTopics()).isTrue();
			assertThat(message.event().type()).isEqualTo("job.failed");
			assertThat(message.event().reportsSuccess()).isFalse();
			assertThat(message.event().body()).contains("\"tenant\":\"default\"", "ModelError")
				.doesNotContain("the model's words");
		});
		assertThat(this.outbox.cleared).containsExactly(ended.id());

		this.queue.sent.clear();
		BatchItem item = new BatchItem(BatchId.random(), 0, "a");
		Job inBatch = topics.update(aJob(CALLBACK, item).start(NOW, Duration.ofMinutes(1))).join();
		topics.update(inBatch.succeed(Payload.json("{}"), NOW)).join();
		assertThat(this.queue.sent).extracting(WebhookMessage::url, WebhookMessage::batch)
			.containsExactlyInAnyOrder(tuple(CALLBACK, item.batchId()), tuple(WebhookMessage.TOPICS, null),
					tuple(WebhookMessage.TOPICS, item.batchId()));
	}

	@Test
	void aMarkWhoseEventCouldNotBeQueued_staysAndIsSweptLater() {
		this.queue.failing = true;
		Job running = this.store.update(aJob(CALLBACK, null).start(NOW, Duration.ofMinutes(1))).join();
		Job ended = this.store.update(running.cancel(NOW)).join();
		assertThat(this.outbox.cleared).isEmpty();
		this.outbox.owed.add(ended.id());

		this.queue.failing = false;
		OutboxSweeper sweeper = new OutboxSweeper(this.outbox, this.jobs, this.relay, this.timers, Clock.systemUTC(),
				Duration.ofSeconds(1), Duration.ofSeconds(5));

		assertThat(sweeper.sweep().join()).isEqualTo(1);
		assertThat(this.queue.sent).singleElement()
			.satisfies((message) -> assertThat(message.event().type()).isEqualTo("job.cancelled"));
		assertThat(this.outbox.cleared).containsExactly(ended.id());
	}

	private static Job aJob(URI callback, BatchItem batch) {
		Job job = (batch != null)
				? Job.submitInBatch(batch, Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1))
				: Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1));
		return job.withCallback(callback);
	}

	/** Jobs in memory, written without version checks. */
	private static final class Jobs implements JobStore {

		private final Map<JobId, Job> stored = new LinkedHashMap<>();

		@Override
		public CompletableFuture<Job> create(Job job) {
			return update(job);
		}

		@Override
		public CompletableFuture<Optional<Job>> find(JobId id) {
			return CompletableFuture.completedFuture(Optional.ofNullable(this.stored.get(id)));
		}

		@Override
		public CompletableFuture<Job> update(Job job) {
			Job next = job.withVersion(job.version() + 1);
			this.stored.put(job.id(), next);
			return CompletableFuture.completedFuture(next);
		}

		@Override
		public CompletableFuture<Job> renewLease(Job job) {
			return CompletableFuture.completedFuture(job);
		}

	}

	private static final class Queue implements WebhookQueue {

		private final List<WebhookMessage> sent = new ArrayList<>();

		private boolean failing;

		@Override
		public CompletableFuture<Void> send(WebhookMessage message) {
			if (this.failing) {
				return CompletableFuture.failedFuture(new IllegalStateException("SQS is down"));
			}
			this.sent.add(message);
			return CompletableFuture.completedFuture(null);
		}

	}

	private static final class Outbox implements WebhookOutbox {

		private final List<JobId> owed = new ArrayList<>();

		private final List<JobId> cleared = new ArrayList<>();

		/** Batches whose record says jobs are left. */
		private final List<BatchId> unfinished = new ArrayList<>();

		@Override
		public CompletableFuture<List<JobId>> owed(Instant before, int limit) {
			return CompletableFuture.completedFuture(List.copyOf(this.owed));
		}

		@Override
		public CompletableFuture<Void> clear(Job job) {
			this.cleared.add(job.id());
			this.owed.remove(job.id());
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Boolean> claimBatchEvent(BatchId batch, URI destination, String claimant) {
			return CompletableFuture.completedFuture(true);
		}

		@Override
		public CompletableFuture<Boolean> batchMayHaveEnded(BatchId batch) {
			return CompletableFuture.completedFuture(!this.unfinished.contains(batch));
		}

	}

}
