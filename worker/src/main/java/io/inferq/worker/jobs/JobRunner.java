package io.inferq.worker.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.concurrent.Backoff;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.JobTooLargeException;
import io.inferq.store.StaleJobException;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.inferq.worker.concurrency.Lane;
import io.inferq.worker.concurrency.Limiter;
import io.inferq.worker.concurrency.Limiter.Permit;
import io.inferq.worker.stats.JobStats;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job a message names, from the stored job to its stored outcome, and says what
 * to do with the message.
 * <p>
 * Every change to the job is a conditional write ({@link JobStore#update}), so whatever
 * the deliveries, the job gets one outcome: a worker that loses a write (the job was
 * cancelled, or another worker took it over after this one's lease ran out) re-reads the
 * job and decides again, discarding its own output.
 * <p>
 * A job waits for a permit of the {@link Limiter} while still QUEUED (its message held
 * and kept invisible by the listener), so that it is ready when an instance frees up. The
 * usual job, one of no batch on its first attempt, waits unread and starts in one
 * conditional write that returns it ({@link JobStore#startFirstAttempt}); the others (a
 * batch's, a retry, a takeover) are read before they wait, and when the permit comes,
 * their deadline and their batch's cancellation are checked and they start in one
 * conditional write at the version read. Either write fails if the job was cancelled
 * meanwhile: a job cancelled or expired while it waits for an instance is never invoked.
 * While it runs, the lease is renewed every third of it. A request the endpoint refuses
 * for overload puts the job back to QUEUED without counting the attempt and waits for a
 * permit again after a backoff, holding its message; so does a job whose worker lost its
 * share of the endpoint before sending.
 * <p>
 * Non-blocking: every step is a stage on the futures of the store and the inference
 * client; the permit is ended on every outcome, before the outcome is stored.
 */
class JobRunner {

	private static final Logger logger = LoggerFactory.getLogger(JobRunner.class);

	/**
	 * How often one message may lose a write race and decide again before it is left for
	 * a later delivery.
	 */
	private static final int MAX_DECISIONS = 3;

	/** Writes of an outcome: about 8 s in all, well inside any lease. */
	private static final Backoff OUTCOME_WRITES = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4), 5);

	private final JobStore store;

	private final BatchCancellations batchCancellations;

	private final InferenceClient inference;

	private final Limiter limiter;

	private final RetryPolicy retryPolicy;

	private final Duration lease;

	private final Duration timeToStart;

	private final Clock clock;

	private final MeterRegistry meters;

	private final ScheduledExecutorService timers;

	private final JobStats stats;

	JobRunner(JobStore store, BatchCancellations batchCancellations, InferenceClient inference, Limiter limiter,
			RetryPolicy retryPolicy, Duration lease, Duration timeToStart, Clock clock, MeterRegistry meters,
			ScheduledExecutorService timers) {
		this(store, batchCancellations, inference, limiter, retryPolicy, lease, timeToStart, clock, meters, timers,
				JobStats.NONE);
	}

	/**
	 * @param lease how long a started attempt owns its job without renewing; renewed
	 * every third of it while the model works
	 * @param timers runs lease renewals and the waits after overloads (never blocks)
	 * @param stats told of every outcome stored, for the dashboard's figures
	 */
	JobRunner(JobStore store, BatchCancellations batchCancellations, InferenceClient inference, Limiter limiter,
			RetryPolicy retryPolicy, Duration lease, Duration timeToStart, Clock clock, MeterRegistry meters,
			ScheduledExecutorService timers, JobStats stats) {
		this.store = store;
		this.batchCancellations = batchCancellations;
		this.inference = inference;
		this.limiter = limiter;
		this.retryPolicy = retryPolicy;
		this.lease = lease;
		this.timeToStart = timeToStart;
		this.clock = clock;
		this.meters = meters;
		this.timers = timers;
		this.stats = stats;
	}

	/**
	 * Runs the job of a message delivered for the first time
	 * ({@link #run(JobMessage, Lane, int)}).
	 */
	CompletableFuture<Outcome> run(JobMessage message, Lane lane) {
		return run(message, lane, 1);
	}

	/**
	 * Runs the job of {@code message}, which came through {@code lane}. The future fails
	 * only if the store cannot be reached; the message should then come back later.
	 * @param receives how many times SQS delivered the message, this time included: a
	 * message delivered again (a retry, a job whose worker stopped, a duplicate of an
	 * ended job) is read before it waits for an instance, so that one that will not start
	 * is dropped without waiting
	 */
	CompletableFuture<Outcome> run(JobMessage message, Lane lane, int receives) {
		if (receives <= 1 && message.startsUnread(this.clock.instant())) {
			return startFirstAttempt(message, lane);
		}
		return findOrCreate(message).thenCompose((job) -> {
			return job.map((found) -> decide(found, lane, 1)).orElseGet(() -> dropMissing(message.jobId()));
		});
	}

	private static CompletableFuture<Outcome> dropMissing(JobId id) {
		logger.warn("Job {} does not exist (expired and deleted, or never created); dropping its message", id);
		return CompletableFuture.completedFuture(Outcome.ACKNOWLEDGE);
	}

	/**
	 * The usual message, a stored job of no batch not about to expire
	 * ({@link JobMessage#startsUnread}): its first attempt waits for a permit unread,
	 * then starts in one write that returns the job ({@link JobStore#startFirstAttempt}),
	 * instead of a read before the wait and a write after it. A job that write refuses
	 * (ended, cancelled, retried, taken over, near its deadline, in a batch after all) is
	 * decided on as the refusal returned it, as if read, keeping the permit if it is to
	 * start now.
	 */
	private CompletableFuture<Outcome> startFirstAttempt(JobMessage message, Lane lane) {
		return Futures.call(() -> this.limiter.acquire(lane, message.tenant().value())).thenCompose((permit) -> {
			CompletableFuture<Job> started = Futures.call(() -> this.store.startFirstAttempt(message.jobId(),
					message.tenant(), this.clock.instant(), this.lease));
			return started.handle((running, failure) -> {
				if (failure == null) {
					return invoke(running, lane, permit, 0);
				}
				Throwable cause = Futures.unwrap(failure);
				if (cause instanceof StaleJobException stale && stale.current().isPresent()) {
					Job current = stale.current().get();
					// A message naming another tenant than its job's: the job waits in
					// its own tenant's turn.
					return decide(current, lane, 1,
							current.tenant().equals(message.tenant()) ? permit : release(permit));
				}
				permit.onIgnore();
				return (cause instanceof StaleJobException) ? dropMissing(message.jobId())
						: Futures.<Outcome>failed(cause);
			})
				.thenCompose((outcome) -> outcome)
				// Whatever happened, the permit is ended; on the usual paths it was
				// already.
				.whenComplete((done, failure) -> permit.onIgnore());
		});
	}

	/**
	 * Records why the job of a message that cannot be read will never run: a job the
	 * store does not know yet (one a batch system sent straight to the queue) is created
	 * FAILED, with the message's text as its input, so that polling it says why. A job
	 * that exists is left alone: its own message runs it.
	 */
	CompletableFuture<Void> failUnreadable(JobId id, String body, String reason) {
		Instant now = this.clock.instant();
		JobError error = new JobError("MalformedMessage",
				"The job's queue message cannot be read (" + reason + "); it goes to the dead-letter queue");
		Job failed = Job
			.submit(id, new Payload(body.getBytes(StandardCharsets.UTF_8), "text/plain"), null, Map.of(), now,
					this.timeToStart)
			.fail(error, now);
		return Futures.recover(this.store.create(failed).thenApply((created) -> {
			logger.info("Job {} created FAILED from its unreadable queue message", id);
			count("failed");
			return (Void) null;
		}), (failure) -> (failure instanceof JobAlreadyExistsException) ? CompletableFuture.completedFuture(null)
				: Futures.failed(failure));
	}

	private CompletableFuture<Optional<Job>> findOrCreate(JobMessage message) {
		return this.store.find(message.jobId()).thenCompose((found) -> {
			if (found.isPresent() || message.input() == null) {
				return CompletableFuture.completedFuture(found);
			}
			Job job = message.newJob(this.clock.instant(), this.timeToStart);
			logger.info("Job {} created from its queue message", job.id());
			return Futures.recover(this.store.create(job).thenApply(Optional::of),
					(failure) -> (failure instanceof JobAlreadyExistsException) ? this.store.find(job.id())
							: Futures.failed(failure));
		});
	}

	private CompletableFuture<Outcome> decide(Job job, Lane lane, int decision) {
		return decide(job, lane, decision, null);
	}

	/**
	 * Decides what to do with the job as read; {@code held} is a permit this delivery
	 * holds already, or null: kept if the job is to start now, else ended at once.
	 */
	private CompletableFuture<Outcome> decide(Job job, Lane lane, int decision, Permit held) {
		if (job.isTerminal()) {
			release(held);
			logger.debug("Job {} is {} already; dropping the duplicate delivery", job.id(), job.status());
			return CompletableFuture.completedFuture(Outcome.ACKNOWLEDGE);
		}
		if (decision > MAX_DECISIONS) {
			release(held);
			return CompletableFuture.completedFuture(Outcome.retryIn(this.retryPolicy.backoff(1)));
		}
		if (job.isInBatch() && job.status() == JobStatus.QUEUED) {
			return this.batchCancellations.isCancelled(job.batch().batchId()).thenCompose((cancelled) -> {
				if (cancelled) {
					release(held);
					return cancelWithBatch(job, lane, decision);
				}
				return decideUnlessCancelled(job, lane, decision, held);
			});
		}
		return decideUnlessCancelled(job, lane, decision, held);
	}

	private CompletableFuture<Outcome> cancelWithBatch(Job job, Lane lane, int decision) {
		logger.debug("Job {} is cancelled with its batch {}", job.id(), job.batch().batchId());
		return write(job.cancel(this.clock.instant()), "cancelled", lane, decision);
	}

	private CompletableFuture<Outcome> decideUnlessCancelled(Job job, Lane lane, int decision, Permit held) {
		Instant now = this.clock.instant();
		if (job.isPastDeadline(now)) {
			release(held);
			logger.info("Job {} passed its deadline {} before it started; expiring it", job.id(), job.deadline());
			return write(job.expire(now), "expired", lane, decision);
		}
		if (job.status() == JobStatus.RUNNING && !job.isLeaseExpired(now)) {
			release(held);
			logger.debug("Job {} is held by another attempt until {}; looking again then", job.id(),
					job.leaseExpiresAt());
			return CompletableFuture.completedFuture(Outcome.retryIn(Duration.between(now, job.leaseExpiresAt())));
		}
		if (!this.retryPolicy.allowsAnotherAttempt(job.attempts())) {
			release(held);
			JobError last = (job.error() != null) ? job.error()
					: new JobError("WorkerLost", "The last attempt did not finish; its worker stopped");
			return write(job.fail(gaveUp(last, job.attempts()), now), "failed", lane, decision);
		}
		return whenAdmitted(job, lane, decision, 0, held);
	}

	private CompletableFuture<Outcome> whenAdmitted(Job job, Lane lane, int decision, int overloads) {
		return whenAdmitted(job, lane, decision, overloads, null);
	}

	/**
	 * Waits for a permit, unless {@code held} is one, then starts and invokes the job;
	 * {@code overloads} counts the requests of this delivery that the endpoint refused
	 * for overload so far.
	 */
	private CompletableFuture<Outcome> whenAdmitted(Job job, Lane lane, int decision, int overloads, Permit held) {
		CompletableFuture<Permit> admission;
		if (held != null) {
			admission = CompletableFuture.completedFuture(held);
		}
		else {
			logger.debug("Job {} is waiting for a free instance", job.id());
			admission = this.limiter.acquire(lane, tenantOf(job));
		}
		return admission.thenCompose((permit) -> {
			CompletableFuture<Outcome> outcome;
			try {
				outcome = admitted(job, lane, decision, overloads, permit);
			}
			catch (RuntimeException ex) {
				outcome = Futures.failed(ex);
			}
			// Whatever happened, the permit is ended; on the usual paths it was already.
			return outcome.whenComplete((done, failure) -> permit.onIgnore());
		});
	}

	private CompletableFuture<Outcome> admitted(Job job, Lane lane, int decision, int overloads, Permit permit) {
		Instant now = this.clock.instant();
		if (job.isPastDeadline(now)) {
			permit.onIgnore();
			logger.info("Job {} passed its deadline {} while waiting for an instance; expiring it", job.id(),
					job.deadline());
			return write(job.expire(now), "expired", lane, decision);
		}
		CompletableFuture<Boolean> cancelled = job.isInBatch()
				? this.batchCancellations.isCancelled(job.batch().batchId()) : CompletableFuture.completedFuture(false);
		return cancelled.thenCompose((batchCancelled) -> {
			if (batchCancelled) {
				permit.onIgnore();
				return cancelWithBatch(job, lane, decision);
			}
			return Futures.recover(this.store.update(job.start(this.clock.instant(), this.lease)), (failure) -> {
				permit.onIgnore();
				return Futures.failed(failure);
			}).thenCompose((running) -> invoke(running, lane, permit, overloads));
		}).exceptionallyCompose((failure) -> onStale(Futures.unwrap(failure), job, lane, decision));
	}

	private CompletableFuture<Outcome> invoke(Job running, Lane lane, Permit permit, int overloads) {
		logger.debug("Job {} attempt {} invoking", running.id(), running.attempts());
		ScheduledFuture<?> renewals = renewLease(running);
		CompletableFuture<Payload> output;
		try {
			// The permit is asked again as the request leaves: this worker's share of the
			// endpoint may lapse while the job starts, its input is fetched, or the
			// process
			// is paused.
			output = this.inference.invoke(running.input(), running.accept(), permit::isValid);
		}
		catch (RuntimeException ex) {
			output = Futures.failed(ex);
		}
		return output.handle((answer, failure) -> {
			renewals.cancel(false);
			if (failure == null) {
				permit.onSuccess();
				return succeed(running, answer, lane);
			}
			InferenceException error = InferenceException.from(Futures.unwrap(failure));
			if (!error.wasSent()) {
				permit.onIgnore();
				return requeue(running, lane, overloads,
						new JobError("CapacityLost",
								"This worker's share of the endpoint lapsed before the request was sent"),
						Duration.ZERO);
			}
			if (error.isOverload()) {
				permit.onDropped();
				int overloaded = overloads + 1;
				Duration delay = this.retryPolicy.backoff(overloaded);
				logger.info("Job {} refused for overload ({}), waiting {} for an instance again", running.id(),
						error.error(), delay);
				return requeue(running, lane, overloaded, error.error(), delay);
			}
			permit.onSuccess();
			return failed(running, error, lane);
		}).thenCompose((outcome) -> outcome);
	}

	/**
	 * Puts a started job that was never served back to QUEUED without counting the
	 * attempt, and waits for a permit again after {@code delay}, holding its message.
	 */
	private CompletableFuture<Outcome> requeue(Job running, Lane lane, int overloads, JobError reason, Duration delay) {
		return Futures
			.recover(storeOutcome(running.requeueUnserved(reason, this.clock.instant())).thenCompose((queued) -> {
				count("requeued");
				Executor later = CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS,
						this.timers);
				return CompletableFuture.supplyAsync(() -> whenAdmitted(queued, lane, 1, overloads), later)
					.thenCompose((outcome) -> outcome);
			}), (stale) -> onStale(stale, running, lane, 1));
	}

	/**
	 * Renews the lease of a running job every third of the lease until cancelled; a
	 * renewal that finds the job changed (cancelled, taken over) stops.
	 */
	private ScheduledFuture<?> renewLease(Job running) {
		long period = Math.max(1, this.lease.toMillis() / 3);
		ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
		self[0] = this.timers
			.scheduleAtFixedRate(() -> this.store.renewLease(running.renewLease(this.clock.instant(), this.lease))
				.whenComplete((renewed, failure) -> {
					Throwable cause = (failure != null) ? Futures.unwrap(failure) : null;
					if (cause instanceof StaleJobException) {
						logger.debug("Job {} changed while running; no more lease renewals", running.id());
						self[0].cancel(false);
					}
					else if (cause != null) {
						logger.warn("Job {} lease could not be renewed: {}", running.id(), cause.toString());
					}
				}), period, period, TimeUnit.MILLISECONDS);
		return self[0];
	}

	private CompletableFuture<Outcome> succeed(Job running, Payload output, Lane lane) {
		Instant now = this.clock.instant();
		logger.debug("Job {} attempt {} answered {}", running.id(), running.attempts(), output);
		return Futures.recover(write(running.succeed(output, now), "succeeded", lane, 1), (failure) -> {
			if (failure instanceof JobTooLargeException tooLarge) {
				logger.info("Job {} output does not fit in the job record: {}", running.id(), tooLarge.getMessage());
				return write(running.fail(new JobError("OutputTooLarge", tooLarge.getMessage()), now), "failed", lane,
						1);
			}
			return Futures.failed(failure);
		});
	}

	private CompletableFuture<Outcome> failed(Job running, InferenceException failure, Lane lane) {
		Instant now = this.clock.instant();
		JobError error = failure.error();
		if (!failure.isRetryable()) {
			logger.info("Job {} attempt {} failed permanently: {}", running.id(), running.attempts(), error);
			return write(running.fail(error, now), "failed", lane, 1);
		}
		if (!this.retryPolicy.allowsAnotherAttempt(running.attempts())) {
			logger.info("Job {} attempt {} failed and was the last: {}", running.id(), running.attempts(), error);
			return write(running.fail(gaveUp(error, running.attempts()), now), "failed", lane, 1);
		}
		Duration delay = this.retryPolicy.backoff(running.attempts());
		logger.info("Job {} attempt {} failed, retrying in {}: {}", running.id(), running.attempts(), delay, error);
		return Futures.recover(storeOutcome(running.retryLater(error, now)).thenApply((stored) -> {
			count("retried");
			this.stats.ended("retried", stored);
			return Outcome.retryIn(delay);
		}), (stale) -> onStale(stale, running, lane, 1));
	}

	/**
	 * Stores a final state, then the message can go; a lost race decides again on the job
	 * as now stored.
	 */
	private CompletableFuture<Outcome> write(Job next, String outcome, Lane lane, int decision) {
		return Futures.recover(storeOutcome(next).thenApply((stored) -> {
			count(outcome);
			this.stats.ended(outcome, stored);
			return Outcome.ACKNOWLEDGE;
		}), (failure) -> onStale(failure, next, lane, decision));
	}

	/**
	 * Stores the outcome of an attempt, trying again for a few seconds while the store
	 * cannot be reached, rather than losing an answer the model gave and invoking it
	 * again once the lease runs out. A lost race is not retried.
	 */
	private CompletableFuture<Job> storeOutcome(Job next) {
		return OUTCOME_WRITES.retry((attempt) -> this.store.update(next),
				(failure) -> !(failure instanceof StaleJobException) && !(failure instanceof JobTooLargeException));
	}

	private CompletableFuture<Outcome> onStale(Throwable failure, Job attempted, Lane lane, int decision) {
		if (!(failure instanceof StaleJobException stale)) {
			return Futures.failed(failure);
		}
		logger.debug("Job {} changed under this worker ({}); deciding again", attempted.id(), stale.getMessage());
		if (attempted.status() != JobStatus.QUEUED && attempted.output() != null) {
			count("discarded");
		}
		CompletableFuture<Optional<Job>> current = stale.current().isPresent()
				? CompletableFuture.completedFuture(stale.current()) : this.store.find(attempted.id());
		return current.thenCompose((job) -> job.map((stored) -> decide(stored, lane, decision + 1))
			.orElseGet(() -> CompletableFuture.completedFuture(Outcome.ACKNOWLEDGE)));
	}

	/** Ends {@code held} if it is a permit; answers null, no permit held any more. */
	private static Permit release(Permit held) {
		if (held != null) {
			held.onIgnore();
		}
		return null;
	}

	/** The tenant whose share of a lane's permits the job waits in. */
	private static String tenantOf(Job job) {
		return job.tenant().value();
	}

	private static JobError gaveUp(JobError last, int attempts) {
		return new JobError(last.type(), last.message() + " (gave up after " + attempts + " attempts)");
	}

	private void count(String outcome) {
		this.meters.counter("inferq.worker.jobs", "outcome", outcome).increment();
	}

}
