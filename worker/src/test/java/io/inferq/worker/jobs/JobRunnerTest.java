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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
import io.inferq.worker.concurrency.Lane;
import io.inferq.worker.concurrency.LaneLimiter;
import io.inferq.worker.concurrency.Limiter;
import io.inferq.tenant.TenantId;
import io.inferq.worker.concurrency.LimitAuthority;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobRunnerTest {

	private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

	private static final Duration LEASE = Duration.ofMinutes(3);

	private static final Payload OUTPUT = Payload.json("{\"message\":\"finish\"}");

	private final InMemoryJobStore store = new InMemoryJobStore();

	private final ScriptedModel model = new ScriptedModel();

	private final MutableClock clock = new MutableClock(NOW);

	private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

	private final LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 2, 0);

	private final RetryPolicy retryPolicy = new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofMinutes(1));

	private final Set<BatchId> cancelledBatches = ConcurrentHashMap.newKeySet();

	private final JobRunner runner = runner(this.store);

	@AfterEach
	void stopTimers() {
		this.timers.shutdownNow();
	}

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

	/**
	 * A job whose deadline passed while its message waited in the queue is read and
	 * expired at once, while every instance is busy: the API's message names the
	 * deadline, so the worker does not wait for an instance to learn it.
	 */
	@Test
	void run_shouldExpireAJobPastItsDeadline_withoutWaitingForAnInstance() {
		Job late = this.store
			.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW.minusSeconds(120),
					Duration.ofSeconds(60)))
			.join();
		this.limiter.acquire(Lane.INTERACTIVE).join();
		this.limiter.acquire(Lane.INTERACTIVE).join();

		Outcome outcome = this.runner.run(JobMessage.of(late), Lane.INTERACTIVE).orTimeout(5, TimeUnit.SECONDS).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(late.id()).status()).isEqualTo(JobStatus.EXPIRED);
		assertThat(this.model.invocations).hasValue(0);
	}

	/**
	 * A message delivered again whose job ended (a duplicate, or a cancel) is read and
	 * dropped while every instance is busy; delivered the first time, such a job learns
	 * it only when its start is refused, after its wait.
	 */
	@Test
	void run_shouldDropAMessageDeliveredAgainForAnEndedJob_withoutWaitingForAnInstance() {
		Job cancelled = this.store.update(aStoredQueuedJob().cancel(NOW)).join();
		this.limiter.acquire(Lane.INTERACTIVE).join();
		this.limiter.acquire(Lane.INTERACTIVE).join();

		Outcome outcome = this.runner.run(JobMessage.of(cancelled.id()), Lane.INTERACTIVE, 2)
			.orTimeout(5, TimeUnit.SECONDS)
			.join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.runner.run(JobMessage.of(cancelled.id()), Lane.INTERACTIVE, 1)).isNotDone();
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

	@Test
	void run_shouldStayQueuedWhileWaitingForAnInstance_andNeverInvokeOneCancelledMeanwhile() {
		LaneLimiter single = new LaneLimiter(LimitAuthority.NONE, 1, 0);
		JobRunner runner = runner(this.store, single);
		Job first = aStoredQueuedJob();
		Job waiting = aStoredQueuedJob();
		CompletableFuture<Payload> firstAnswer = this.model.answersLater();
		CompletableFuture<Outcome> firstOutcome = runner.run(JobMessage.of(first.id()), Lane.INTERACTIVE);
		CompletableFuture<Outcome> waitingOutcome = runner.run(JobMessage.of(waiting.id()), Lane.INTERACTIVE);

		assertThat(this.store.get(waiting.id()).status()).isEqualTo(JobStatus.QUEUED);
		this.store.update(this.store.get(waiting.id()).cancel(NOW)).join();
		firstAnswer.complete(OUTPUT);

		assertThat(firstOutcome.join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(waitingOutcome.join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(waiting.id()).status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(this.model.invocations).hasValue(1);
		assertThat(single.inUse()).isZero();
	}

	@Test
	void run_shouldExpireAJobWhoseDeadlinePassesWhileItWaitsForAnInstance() {
		LaneLimiter single = new LaneLimiter(LimitAuthority.NONE, 1, 0);
		JobRunner runner = runner(this.store, single);
		Job first = aStoredQueuedJob();
		Job waiting = aStoredQueuedJob();
		CompletableFuture<Payload> firstAnswer = this.model.answersLater();
		runner.run(JobMessage.of(first.id()), Lane.INTERACTIVE);
		CompletableFuture<Outcome> waitingOutcome = runner.run(JobMessage.of(waiting.id()), Lane.INTERACTIVE);

		this.clock.advance(Duration.ofHours(7));
		firstAnswer.complete(OUTPUT);

		assertThat(waitingOutcome.join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(waiting.id()).status()).isEqualTo(JobStatus.EXPIRED);
		assertThat(this.model.invocations).hasValue(1);
	}

	@Test
	void run_shouldWaitInTheJobsOwnTenantsTurn() {
		java.util.List<String> tenants = new java.util.concurrent.CopyOnWriteArrayList<>();
		JobRunner runner = runnerRecordingAcquisitions(tenants);
		Job acme = this.store
			.create(Job.submit(new TenantId("acme"), JobId.random(), Payload.json("{}"), null, Map.of(), NOW,
					Duration.ofHours(6)))
			.join();
		this.model.answers(OUTPUT);

		assertThat(runner.run(JobMessage.of(acme.id(), acme.tenant()), Lane.BULK).join())
			.isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(tenants).containsExactly("acme");

		// A message that names another tenant: its job still waits in its own's turn.
		Job misnamed = this.store
			.create(Job.submit(new TenantId("acme"), JobId.random(), Payload.json("{}"), null, Map.of(), NOW,
					Duration.ofHours(6)))
			.join();
		tenants.clear();
		this.model.answers(OUTPUT);

		assertThat(runner.run(JobMessage.of(misnamed.id()), Lane.BULK).join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(tenants).containsExactly(Limiter.DEFAULT_TENANT, "acme");
		assertThat(this.store.get(misnamed.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(this.limiter.inUse()).isZero();
	}

	/**
	 * A job that is not on its first attempt (here a retry) waits unread like any other,
	 * is refused the one-write start, and starts from the refusal's job with the permit
	 * it holds: one wait for an instance, not two.
	 */
	@Test
	void run_shouldStartARetry_withThePermitItWaitedFor() {
		java.util.List<String> acquired = new java.util.concurrent.CopyOnWriteArrayList<>();
		JobRunner runner = runnerRecordingAcquisitions(acquired);
		Job job = aStoredQueuedJob();
		this.model.fails(new JobError("ServiceUnavailable", "try later"), true);
		this.model.answers(OUTPUT);

		assertThat(runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join()).isInstanceOf(Outcome.RetryIn.class);
		assertThat(runner.run(JobMessage.of(job.id()), Lane.INTERACTIVE).join()).isEqualTo(Outcome.ACKNOWLEDGE);

		assertThat(acquired).hasSize(2);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(stored.attempts()).isEqualTo(2);
		assertThat(this.model.invocations).hasValue(2);
		assertThat(this.limiter.inUse()).isZero();
	}

	@Test
	void run_shouldSendAnOverloadedRequestAgain_withoutUsingAnAttempt() {
		Job job = aStoredQueuedJob();
		this.model.overloaded();
		this.model.overloaded();
		this.model.answers(OUTPUT);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.BULK).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		Job stored = this.store.get(job.id());
		assertThat(stored.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(stored.attempts()).isEqualTo(1);
		assertThat(this.model.invocations).hasValue(3);
		assertThat(this.limiter.inUse()).isZero();
	}

	@Test
	void run_shouldExpireAJobOverloadedPastItsDeadline() {
		Job job = aStoredQueuedJob();
		this.clock.advance(Duration.ofHours(6).minusSeconds(1));
		this.model.overloadedAfter(() -> this.clock.advance(Duration.ofSeconds(2)));
		this.model.answers(OUTPUT);

		Outcome outcome = this.runner.run(JobMessage.of(job.id()), Lane.BULK).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.store.get(job.id()).status()).isEqualTo(JobStatus.EXPIRED);
		assertThat(this.model.invocations).hasValue(1);
	}

	@Test
	void run_shouldNotSend_whenTheWorkersShareLapsedWhileTheJobStarted() {
		SwitchedAuthority authority = new SwitchedAuthority();
		LaneLimiter gated = new LaneLimiter(authority, 1, 0);
		InMemoryJobStore slowStore = new InMemoryJobStore() {
			@Override
			public synchronized CompletableFuture<Job> update(Job job) {
				if (job.status() == JobStatus.RUNNING && authority.lapses.getAndSet(false)) {
					authority.open = false;
					CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
						authority.open = true;
						gated.setLimit(1);
					});
				}
				return super.update(job);
			}
		};
		Job job = slowStore
			.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(6)))
			.join();
		this.model.answers(OUTPUT);

		Outcome outcome = runner(slowStore, gated).run(JobMessage.of(job.id()), Lane.BULK).join();

		assertThat(outcome).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(this.model.invocations).hasValue(1);
		assertThat(slowStore.get(job.id()).attempts()).isEqualTo(1);
		assertThat(slowStore.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
	}

	@Test
	void run_shouldRenewTheLeaseWhileTheModelWorks() throws Exception {
		AtomicInteger renewals = new AtomicInteger();
		InMemoryJobStore counting = new InMemoryJobStore() {
			@Override
			public synchronized CompletableFuture<Job> renewLease(Job job) {
				renewals.incrementAndGet();
				return super.renewLease(job);
			}
		};
		JobRunner runner = new JobRunner(counting,
				new BatchCancellations((id) -> CompletableFuture.completedFuture(Optional.empty()),
						Duration.ofSeconds(2)),
				this.model, this.limiter, this.retryPolicy, Duration.ofSeconds(3), Duration.ofHours(6), this.clock,
				new SimpleMeterRegistry(), this.timers);
		Job job = counting
			.create(Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(6)))
			.join();
		CompletableFuture<Payload> answer = this.model.answersLater();

		CompletableFuture<Outcome> outcome = runner.run(JobMessage.of(job.id()), Lane.BULK);
		Thread.sleep(2_500);
		answer.complete(OUTPUT);

		assertThat(outcome.join()).isEqualTo(Outcome.ACKNOWLEDGE);
		assertThat(renewals.get()).isBetween(2, 3);
		assertThat(counting.get(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
	}

	/** An authority a test opens and closes, lapsing once when asked. */
	private static final class SwitchedAuthority implements LimitAuthority {

		volatile boolean open = true;

		final java.util.concurrent.atomic.AtomicBoolean lapses = new java.util.concurrent.atomic.AtomicBoolean(true);

		@Override
		public boolean mayStart() {
			return this.open;
		}

	}

	private JobRunner runner(InMemoryJobStore jobs) {
		return runner(jobs, this.limiter);
	}

	/**
	 * A runner on this test's limiter that adds the tenant of every permit asked to
	 * {@code tenants}.
	 */
	private JobRunner runnerRecordingAcquisitions(java.util.List<String> tenants) {
		Limiter recording = new Limiter() {
			@Override
			public CompletableFuture<Permit> acquire(Lane lane, String tenant) {
				tenants.add(tenant);
				return JobRunnerTest.this.limiter.acquire(lane, tenant);
			}
		};
		return new JobRunner(this.store,
				new BatchCancellations((id) -> CompletableFuture.completedFuture(Optional.empty()),
						Duration.ofSeconds(2)),
				this.model, recording, this.retryPolicy, LEASE, Duration.ofHours(6), this.clock,
				new SimpleMeterRegistry(), this.timers);
	}

	private JobRunner runner(InMemoryJobStore jobs, LaneLimiter limiter) {
		BatchCancellations cancellations = new BatchCancellations(
				(id) -> CompletableFuture.completedFuture(Optional.of(aBatch(id,
						this.cancelledBatches.contains(id) ? BatchStatus.CANCELLED : BatchStatus.IN_PROGRESS))),
				Duration.ofSeconds(2));
		return new JobRunner(jobs, cancellations, this.model, limiter, this.retryPolicy, LEASE, Duration.ofHours(6),
				this.clock, new SimpleMeterRegistry(), this.timers);
	}

	/** A clock that tests move by hand. */
	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

	private static Batch aBatch(BatchId id, BatchStatus status) {
		return new Batch(id, TenantId.DEFAULT, status, 10, BatchCounts.NONE, Map.of(), NOW,
				NOW.plus(Duration.ofHours(6)), null, NOW, null, null, null);
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

		void overloaded() {
			overloadedAfter(() -> {
			});
		}

		void overloadedAfter(Runnable sideEffect) {
			this.beforeAnswers.add(sideEffect);
			this.answers.add(CompletableFuture.failedFuture(
					new InferenceException(new JobError("ThrottlingException", "Rate exceeded"), true, true, null)));
		}

		/** The next invocation answers when the returned future is completed. */
		CompletableFuture<Payload> answersLater() {
			CompletableFuture<Payload> answer = new CompletableFuture<>();
			this.beforeAnswers.add(() -> {
			});
			this.answers.add(answer);
			return answer;
		}

		final Deque<Payload> inputs = new java.util.concurrent.ConcurrentLinkedDeque<>();

		@Override
		public synchronized CompletableFuture<Payload> invoke(Payload input, String accept) {
			this.invocations.incrementAndGet();
			this.inputs.add(input);
			this.beforeAnswers.remove().run();
			return this.answers.remove();
		}

	}

}
