package io.inferq.api.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.webhooks.Callbacks;
import io.inferq.api.idempotency.IdempotencyException;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.message.JobMessage;
import io.inferq.message.JobQueue;
import io.inferq.payload.PayloadStoreException;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyRecord;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.JobTooLargeException;
import io.inferq.store.StaleJobException;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;

/**
 * Submits, reads and cancels jobs on the job store and the job queue. Non-blocking: every
 * method returns at once, and its future fails with the
 * {@link org.springframework.web.ErrorResponse} the client should see.
 * <p>
 * Jobs are read as of now: a QUEUED job past its deadline is EXPIRED, whether or not a
 * worker has recorded that yet. A job of a batch that was never accepted (one being
 * enqueued, or refused and not yet cleaned up) does not exist for clients.
 */
@Service
class JobService {

	/** Reads and conditional writes a cancel tries before it gives up on a busy job. */
	static final int CANCEL_ATTEMPTS = 3;

	/** Why a job that was stored but could not be queued failed. */
	static final String ENQUEUE_FAILED = "EnqueueFailed";

	private static final Logger logger = LoggerFactory.getLogger(JobService.class);

	private final JobStore store;

	private final JobQueue queue;

	private final Clock clock;

	private final ApiProperties properties;

	private final IdempotencyStore idempotency;

	private final BatchStore batches;

	private final LocatedInputs locatedInputs;

	private final Callbacks callbacks;

	JobService(JobStore store, JobQueue queue, IdempotencyStore idempotency, BatchStore batches, Clock clock,
			ApiProperties properties, LocatedInputs locatedInputs, Callbacks callbacks) {
		this.callbacks = callbacks;
		this.store = store;
		this.batches = batches;
		this.queue = queue;
		this.idempotency = idempotency;
		this.clock = clock;
		this.properties = properties;
		this.locatedInputs = locatedInputs;
	}

	/**
	 * Stores a new QUEUED job, then queues it. If the queue fails after the job was
	 * stored, the job is failed (best effort) so that it does not stay QUEUED without a
	 * message, and the problem names it ({@code jobId}).
	 */
	CompletableFuture<Job> submit(TenantId tenant, JobSubmission submission) {
		return withCallback(tenant, submission).thenCompose((described) -> {
			Job job = Job
				.submit(tenant, JobId.random(), described.input(), described.accept(), described.metadata(),
						this.clock.instant(), described.timeToStart())
				.withCallback(described.callback());
			return create(job).thenCompose((created) -> enqueue(created, null));
		});
	}

	/**
	 * Submits a job under an idempotency key: the first request with the key claims it
	 * for a new job ID, then submits the job under that ID; a retry with the same
	 * fingerprint gets that job (and creates it, if the first request stopped before it
	 * did), a request with another fingerprint fails with 422. If the job could not be
	 * queued, the key is released so that a retry submits anew.
	 * @param key the stored idempotency key, scoped to the tenant
	 * @param fingerprint the request's fingerprint
	 */
	CompletableFuture<Submitted> submit(TenantId tenant, JobSubmission submission, String key, String fingerprint) {
		return withCallback(tenant, submission)
			.thenCompose((described) -> submitOnce(tenant, described, key, fingerprint));
	}

	/**
	 * The submission with its input described and its callback resolved: the request's,
	 * or the tenant's default endpoint.
	 */
	private CompletableFuture<JobSubmission> withCallback(TenantId tenant, JobSubmission submission) {
		return this.locatedInputs.describe(submission)
			.thenCompose((described) -> Futures
				.recover(this.callbacks.resolve(tenant, described.callback()),
						(failure) -> Futures.failed(webhookSettingsUnavailable(tenant, failure)))
				.thenApply(described::withCallback));
	}

	private CompletableFuture<Submitted> submitOnce(TenantId tenant, JobSubmission submission, String key,
			String fingerprint) {
		Instant now = this.clock.instant();
		JobId id = JobId.random();
		IdempotencyRecord claim = new IdempotencyRecord(key, id.value(), fingerprint, now,
				now.plus(this.properties.idempotencyTtl()));
		return Futures
			.recover(this.idempotency.claim(claim, now), (failure) -> Futures.failed(storeUnavailable(id, failure)))
			.thenCompose((held) -> {
				if (held.isEmpty()) {
					return create(job(tenant, id, submission, now)).thenCompose((created) -> enqueue(created, claim))
						.thenApply((job) -> new Submitted(job, false));
				}
				IdempotencyRecord first = held.get();
				if (!fingerprint.equals(first.fingerprint())) {
					return Futures.failed(IdempotencyException.mismatch(first.resourceId()));
				}
				return replay(tenant, new JobId(first.resourceId()), submission, first);
			});
	}

	private CompletableFuture<Submitted> replay(TenantId tenant, JobId id, JobSubmission submission,
			IdempotencyRecord first) {
		return Futures.recover(this.store.find(id), (failure) -> Futures.failed(storeUnavailable(id, failure)))
			.thenCompose((found) -> {
				if (found.isPresent()) {
					logger.debug("Job {} submitted again under its idempotency key", id);
					return CompletableFuture.completedFuture(new Submitted(asOfNow(found.get()), true));
				}
				// The first request stopped before it stored the job, or is storing it
				// now:
				// create is conditional, so there is one job either way.
				Job job = job(tenant, id, submission, this.clock.instant());
				CompletableFuture<Job> created = Futures
					.recover(this.store.create(job).thenCompose((stored) -> enqueue(stored, first)), (failure) -> {
						if (failure instanceof JobAlreadyExistsException) {
							return find(tenant, id);
						}
						return Futures.failed(failure);
					});
				return created.thenApply((stored) -> new Submitted(stored, true));
			});
	}

	private static Job job(TenantId tenant, JobId id, JobSubmission submission, Instant now) {
		return Job
			.submit(tenant, id, submission.input(), submission.accept(), submission.metadata(), now,
					submission.timeToStart())
			.withCallback(submission.callback());
	}

	/**
	 * The tenant's job as of now; fails with {@link JobNotFoundException} if there is
	 * none, or it is another tenant's: to a caller, another tenant's job does not exist.
	 */
	CompletableFuture<Job> find(TenantId tenant, JobId id) {
		return Futures.recover(this.store.find(id), (failure) -> Futures.failed(storeUnavailable(id, failure)))
			.thenApply((job) -> job.filter((found) -> found.tenant().equals(tenant)))
			.thenCompose(this::visible)
			.thenApply((job) -> asOfNow(job.orElseThrow(() -> JobNotFoundException.unknown(id))));
	}

	/**
	 * The job unless it is a QUEUED job of a batch that was never accepted; one that has
	 * left QUEUED was started from a message, which only an accepted batch sends.
	 */
	private CompletableFuture<Optional<Job>> visible(Optional<Job> found) {
		if (found.isEmpty() || !found.get().isInBatch() || found.get().status() != JobStatus.QUEUED) {
			return CompletableFuture.completedFuture(found);
		}
		Job job = found.get();
		return Futures
			.recover(this.batches.find(job.batch().batchId()),
					(failure) -> Futures.failed(storeUnavailable(job.id(), failure)))
			.thenApply((batch) -> (batch.isPresent() && batch.get().enqueuedAt() == null) ? Optional.empty() : found);
	}

	/**
	 * Cancels a QUEUED or RUNNING job of the tenant's. Fails with
	 * {@link JobStatusException} if the job has ended already.
	 */
	CompletableFuture<Job> cancel(TenantId tenant, JobId id) {
		return cancel(tenant, id, 1);
	}

	private CompletableFuture<Job> create(Job job) {
		return Futures.recover(this.store.create(job), (failure) -> {
			if (failure instanceof JobAlreadyExistsException) {
				// A random ID does not collide: the SDK retried a write that had
				// succeeded.
				return CompletableFuture.completedFuture(job.withVersion(1));
			}
			if (failure instanceof JobTooLargeException) {
				return Futures.failed(new RequestTooLargeException(
						"The job does not fit in one stored record; send a smaller input or less metadata"));
			}
			if (failure instanceof PayloadStoreException payload) {
				logger.warn("Job {}: the payload store failed: {}", job.id(), payload.toString());
				return Futures.failed(unavailable("payload store", payload));
			}
			return Futures.failed(storeUnavailable(job.id(), failure));
		});
	}

	/**
	 * Queues a stored job; if that fails, fails the job and releases {@code claim} (if
	 * any) so that a retry under the same key submits anew.
	 */
	private CompletableFuture<Job> enqueue(Job job, IdempotencyRecord claim) {
		return Futures.recover(this.queue.send(JobMessage.of(job)).thenApply((sent) -> {
			logger.debug("Job {} submitted", job.id());
			return job;
		}), (failure) -> {
			logger.warn("Job {} was stored but could not be queued, so it is failed: {}", job.id(), failure.toString());
			ServiceUnavailableException unavailable = unavailable("job queue", failure);
			unavailable.getBody().setProperty("jobId", job.id().value());
			return failUnqueued(job).thenCompose((ignored) -> release(claim))
				.thenCompose((ignored) -> Futures.failed(unavailable));
		});
	}

	private CompletableFuture<Void> release(IdempotencyRecord claim) {
		if (claim == null) {
			return CompletableFuture.completedFuture(null);
		}
		return this.idempotency.release(claim).handle((released, failure) -> {
			if (failure != null) {
				logger.warn("Job {}: its idempotency key could not be released; a retry will get the failed job: {}",
						claim.resourceId(), Futures.unwrap(failure).toString());
			}
			return null;
		});
	}

	private CompletableFuture<Void> failUnqueued(Job job) {
		Job failed = job.fail(new JobError(ENQUEUE_FAILED, "The job could not be queued; submit it again"),
				this.clock.instant());
		return this.store.update(failed).handle((stored, failure) -> {
			if (failure != null) {
				logger.error("Job {} stays QUEUED without a queue message until it expires at {}: {}", job.id(),
						job.deadline(), Futures.unwrap(failure).toString());
			}
			return null;
		});
	}

	private CompletableFuture<Job> cancel(TenantId tenant, JobId id, int attempt) {
		return find(tenant, id).thenCompose((job) -> {
			if (job.isTerminal()) {
				return Futures.failed(JobStatusException.notCancellable(job));
			}
			CompletableFuture<Job> cancelled = this.store.update(job.cancel(this.clock.instant()))
				.thenApply((stored) -> {
					logger.info("Job {} cancelled while {}", id, job.status());
					return stored;
				});
			return Futures.recover(cancelled, (failure) -> {
				if (!(failure instanceof StaleJobException)) {
					return Futures.failed(storeUnavailable(id, failure));
				}
				if (attempt < CANCEL_ATTEMPTS) {
					logger.debug("Job {} changed while being cancelled; reading it again", id);
					return cancel(tenant, id, attempt + 1);
				}
				logger.warn("Job {} changed {} times while being cancelled; giving up", id, CANCEL_ATTEMPTS);
				return Futures.failed(new ServiceUnavailableException(
						"Job " + id + " is changing too often to cancel it now; try again",
						this.properties.unavailableRetryAfter(), failure));
			});
		});
	}

	/**
	 * A job a submit answers with.
	 *
	 * @param job the job
	 * @param replayed whether an earlier request with the same idempotency key created it
	 */
	record Submitted(Job job, boolean replayed) {

	}

	private Job asOfNow(Job job) {
		Instant now = this.clock.instant();
		return job.isPastDeadline(now) ? job.expire(job.deadline()) : job;
	}

	private ServiceUnavailableException webhookSettingsUnavailable(TenantId tenant, Throwable failure) {
		logger.warn("Tenant {}: its webhook settings could not be read: {}", tenant.value(), failure.toString());
		return unavailable("job store", failure);
	}

	private ServiceUnavailableException storeUnavailable(JobId id, Throwable failure) {
		logger.warn("Job {}: the job store failed: {}", id, failure.toString());
		return unavailable("job store", failure);
	}

	private ServiceUnavailableException unavailable(String dependency, Throwable failure) {
		return new ServiceUnavailableException("The " + dependency + " is unavailable; try again later",
				this.properties.unavailableRetryAfter(), failure);
	}

}
