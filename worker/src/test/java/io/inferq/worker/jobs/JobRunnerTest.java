package io.inferq.worker.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.batch.BatchStatus;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.worker.inference.ConcurrencyLimiter;
import io.inferq.worker.inference.Lane;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobRunnerTest {

	private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

	private static final Duration LEASE = Duration.ofMinutes(3);

	private static final Payload OUTPUT = Payload.json("{\"message\":\"finish\"}");

	private final InMemoryJobStore store = new InMemoryJobStore();

	private final ScriptedModel model = new ScriptedModel();

	private final ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);

	private final RetryPolicy retryPolicy = new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofMinutes(1));

	private final Set<BatchId> cancelledBatches = ConcurrentHashMap.newKeySet();

	private final JobRunner runner = runner(this.store);

	@Test
	void run_shouldStoreTheOutputAndAcknowledge() {
		Job job = aStoredQueuedJob();
		this.model.answers(OUTPUT);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(stored.output()).isEqualTo(OUTPUT);
		assertThat(stored.attempts()).isEqualTo(1);
		assertThat(this.model.invocations).hasValue(1);
		assertThat(this.limiter.inUse()).isZero();
	}

	@Test
	void run_shouldFailAtOnceOnAPermanentError() {
		Job job = aStoredQueuedJob();
		this.model.fails(new JobError("ModelError", "bad input (model status 400)"), false);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.FAILED);
		assertThat(stored.error().message()).isEqualTo("bad input (model status 400)");
		assertThat(this.model.invocations).hasValue(1);
	}

	@Test
	void run_shouldRequeueATransientErrorWithBackoff() {
		Job job = aStoredQueuedJob();
		this.model.fails(new JobError("ThrottlingException", "Rate exceeded"), true);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(outcome).isInstanceOfSatisfying(Outcome.RetryIn.class,
				(retry) -> assertThat(retry.delay()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2)));
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(stored.error().type()).isEqualTo("ThrottlingException");
	}

	@Test
	void run_shouldFailAfterTheLastAttempt() {
		Job job = aStoredQueuedJob();
		for (int attempt = 1; attempt <= 3; attempt++) {
			this.model.fails(new JobError("ServiceUnavailable", "try later"), true);
		}

		this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();
		this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();
		Outcome last = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(last).isEqualTo(Outcome.ACKNOWLEDGE);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.FAILED);
		assertThat(stored.attempts()).isEqualTo(3);
		assertThat(stored.error().message()).isEqualTo("try later (gave up after 3 attempts)");
	}

	@Test
	void run_shouldDropADuplicateOfAFinishedJob() {
		Job job = aStoredQueuedJob();
		this.model.answers(OUTPUT);
		this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		Outcome duplicate = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(duplicate).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.model.invocations).hasValue(1);
	}

	@Test
	void run_shouldLeaveAJobAnotherWorkerHoldsUntilItsLeaseEnds() {
		Job job = aStoredQueuedJob();
		Job held = this.store.update(job.start(NOW.minusSeconds(60), LEASE)).join();

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(outcome).isEqualTo(Outcome.retryIn(Duration.between(NOW, held.leaseExpiresAt())));
		assertThat(this.model.invocations).hasValue(0);
	}

	@Test
	void run_shouldTakeOverAJobWhoseWorkerWasLost() {
		Job job = aStoredQueuedJob();
		this.store.update(job.start(NOW.minus(LEASE).minusSeconds(1), LEASE)).join();
		this.model.answers(OUTPUT);

		this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(stored.attempts()).isEqualTo(2);
	}

	@Test
	void run_shouldDiscardTheOutputOfAJobCancelledWhileRunning() {
		Job job = aStoredQueuedJob();
		this.model.answersAfter(() -> {
			Job running = this.store.get(job.id());
			this.store.update(running.cancel(NOW)).join();
		}, OUTPUT);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(stored.output()).isNull();
	}

	@Test
	void run_shouldNeverInvokeACancelledJob() {
		Job job = aStoredQueuedJob();
		this.store.update(job.cancel(NOW)).join();

		assertThat(this.runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.model.invocations).hasValue(0);
	}

	@Test
	void run_shouldExpireAJobPastItsDeadlineWithoutInvokingIt() {
		Job late = Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW.minusSeconds(120),
				Duration.ofSeconds(60));
		this.store.create(late).join();

		this.runner.run(JobMessage.of(late.id()), Lane.INTERACTIVE).join();

		assertThat(this.store.get(late.id()).status()).isEqualTo(JobStatus.EXPIRED);
		assertThat(this.model.invocations).hasValue(0);
	}

	@Test
	void run_shouldFailAnOutputTooLargeForTheStore() {
		InMemoryJobStore tooSmall = new InMemoryJobStore() {
			@Override
			public synchronized CompletableFuture<Job> update(Job job) {
				if (job.output() != null) {
					return CompletableFuture
						.failedFuture(new io.inferq.store.JobTooLargeException(job.id(), 500_000, 409_600));
				}
				return super.update(job);
			}
		};
		JobRunner runner = runner(tooSmall);
		Job job = tooSmall
			.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1)))
			.join();
		this.model.answers(OUTPUT);

		assertThat(runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(tooSmall.get(job.id()).status()).isEqualTo(JobStatus.FAILED);
		assertThat(tooSmall.get(job.id()).error().type()).isEqualTo("OutputTooLarge");
	}

	@Test
	void run_shouldKeepTryingToStoreTheOutcomeWhileTheStoreIsDown() {
		AtomicInteger outages = new AtomicInteger(2);
		InMemoryJobStore flaky = new InMemoryJobStore() {
			@Override
			public synchronized CompletableFuture<Job> update(Job job) {
				if (job.isTerminal() && outages.getAndDecrement() > 0) {
					return CompletableFuture.failedFuture(new IllegalStateException("DynamoDB unreachable"));
				}
				return super.update(job);
			}
		};
		Job job = flaky.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1)))
			.join();
		this.model.answers(OUTPUT);

		assertThat(runner(flaky).run(JobMessage.of(job.id()), Lane.INTERACTIVE).join()).isEqualTo(Outcome.ACKNOWLEDGE);

		assertThat(flaky.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(this.model.invocations).hasValue(1);
	}

	@Test
	void failUnreadable_shouldCreateTheJobFailedWithTheReason() {
		JobId id = new JobId("direct-000007");

		this.runner.failUnreadable(id, "{\"jobId\":\"direct-000007\",\"inputBase64\":\"@@\"}", "bad base64").join();
		this.runner.failUnreadable(id, "{}", "again").join();

		Job stored = this.store.get(id);
		assertThat(stored.status()).isEqualTo(JobStatus.FAILED);
		assertThat(stored.error().type()).isEqualTo("MalformedMessage");
		assertThat(stored.error().message()).contains("bad base64");
	}

	@Test
	void failUnreadable_shouldLeaveAnExistingJobToItsOwnMessage() {
		Job job = aStoredQueuedJob();

		this.runner.failUnreadable(job.id(), "garbage", "not JSON").join();

		assertThat(this.store.get(job.id()).status()).isEqualTo(JobStatus.QUEUED);
	}

	@Test
	void run_shouldCreateAJobSentStraightToTheQueue() {
		JobMessage message = new JobMessage(new JobId("batch-000042"), Payload.json("{\"n\":42}"), null,
				Map.of("source", "nightly"));
		this.model.answers(OUTPUT);

		this.runner.run(message, Lane.INTERACTIVE).join();

		Job stored = this.store.get(message.jobId());
		assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(stored.metadata()).containsEntry("source", "nightly");
	}

	@Test
	void run_shouldDropAMessageForAnUnknownJobWithoutInput() {
		assertThat(this.runner.run(JobMessage.of(JobId.random()), Lane.INTERACTIVE).join())
			.isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.model.invocations).hasValue(0);
	}

	@Test
	void run_shouldCancelInsteadOfStartingAJobOfACancelledBatch() {
		BatchId batch = BatchId.random();
		Job job = aStoredQueuedJob(new BatchItem(batch, 0, "line-1"));
		this.cancelledBatches.add(batch);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.BULK).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(this.model.invocations).hasValue(0);
	}

	@Test
	void run_shouldRunAJobOfABatchThatGoesOn() {
		Job job = aStoredQueuedJob(new BatchItem(BatchId.random(), 3, "line-4"));
		this.model.answers(OUTPUT);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.BULK).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
	}

	private JobRunner runner(InMemoryJobStore jobs) {
		BatchCancellations cancellations = new BatchCancellations(
				(id) -> CompletableFuture.completedFuture(Optional.of(aBatch(id,
						this.cancelledBatches.contains(id) ? BatchStatus.CANCELLED : BatchStatus.IN_PROGRESS))),
				Duration.ofSeconds(2));
		return new JobRunner(jobs, cancellations, this.model, this.limiter, this.retryPolicy, LEASE,
				Duration.ofHours(6), Clock.fixed(NOW, ZoneOffset.UTC), new SimpleMeterRegistry());
	}

	private static Batch aBatch(BatchId id, BatchStatus status) {
		return new Batch(id, status, 10, BatchCounts.NONE, Map.of(), NOW, NOW.plus(Duration.ofHours(6)), null, NOW,
				null, null, null);
	}

	private Job aStoredQueuedJob(BatchItem item) {
		return this.store
			.create(Job.submitInBatch(item, Payload.json("{\"prompt\":\"hi\"}"), null, Map.of(), NOW,
					Duration.ofHours(6)))
			.join();
	}

	private Job aStoredQueuedJob() {
		return this.store
			.create(Job.submit(JobId.random(), Payload.json("{\"prompt\":\"hi\"}"), null, Map.of(), NOW,
					Duration.ofHours(6)))
			.join();
	}

	/** A model that answers from a script, one entry per invocation. */
	static final class ScriptedModel implements InferenceClient {

		private final Deque<Runnable> beforeAnswers = new ArrayDeque<>();

		private final Deque<CompletableFuture<Payload>> answers = new ArrayDeque<>();

		final AtomicInteger invocations = new AtomicInteger();

		void answers(Payload output) {
			answersAfter(() -> {
			}, output);
		}

		void answersAfter(Runnable sideEffect, Payload output) {
			this.beforeAnswers.add(sideEffect);
			this.answers.add(CompletableFuture.completedFuture(output));
		}

		void fails(JobError error, boolean retryable) {
			this.beforeAnswers.add(() -> {
			});
			this.answers.add(CompletableFuture.failedFuture(new InferenceException(error, retryable, null)));
		}

		@Override
		public CompletableFuture<Payload> invoke(Payload input, String accept) {
			this.invocations.incrementAndGet();
			this.beforeAnswers.remove().run();
			return this.answers.remove();
		}

	}

}
