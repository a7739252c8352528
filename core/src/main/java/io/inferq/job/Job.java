package io.inferq.job;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.inferq.batch.BatchItem;
import io.inferq.tenant.TenantId;

/**
 * An inference job: immutable, and changed only through its intent methods
 * ({@link #start}, {@link #succeed}, {@link #fail}, {@link #retryLater}, {@link #cancel},
 * {@link #expire}), each of which returns the next version of the job or throws
 * {@link IllegalJobStateChangeException}.
 * <p>
 * {@code version} is the optimistic-locking token of the stored record: a store writes a
 * changed job only if the stored version is still the one this job was read at (see
 * {@code JobStore}).
 *
 * @param id the job's identity
 * @param tenant who the job belongs to; only this tenant's credentials can see it
 * @param status where the job is in its life
 * @param version the stored version this job was read at, 0 before it was ever stored
 * @param input what the model is invoked with
 * @param accept the media type asked of the model, or {@code null} for the model's
 * default
 * @param metadata the client's own key-value pairs, kept with the job
 * @param createdAt when the job was accepted
 * @param startedAt when the current or last attempt started, or {@code null}
 * @param finishedAt when the job ended, or {@code null}
 * @param deadline the job expires if not started by then
 * @param leaseExpiresAt while RUNNING, until when the current attempt owns the job
 * @param attempts how many attempts have started
 * @param output the model's answer once SUCCEEDED
 * @param error why the job FAILED, or why the last attempt failed while it waits for a
 * retry
 * @param batch the job's place in the batch it was enqueued with, or {@code null} for a
 * job of its own
 * @param storedStatus the status as stored at {@code version}, or {@code null} before the
 * job was ever stored; a store uses it to move the batch's counters from the stored
 * status to the new one
 * @param callback where the job's completion event is sent, or {@code null} for none; for
 * a job of a batch, where its batch's completion event is sent (the job's end is what may
 * complete the batch). A job that ends with a callback (or any job, when the operator's
 * topics are set) is marked for the webhook outbox in the same write (see
 * {@code io.inferq.webhook.EventScope})
 * @param history the job's attempts, oldest first: the last {@value #MAX_HISTORY} of them
 * (a job makes at most the retry policy's attempts, but attempts the endpoint never
 * served are not counted and may be more)
 */
public record Job(JobId id, TenantId tenant, JobStatus status, long version, Payload input, String accept,
		Map<String, String> metadata, Instant createdAt, Instant startedAt, Instant finishedAt, Instant deadline,
		Instant leaseExpiresAt, int attempts, Payload output, JobError error, BatchItem batch, JobStatus storedStatus,
		URI callback, List<JobAttempt> history) {

	/** The most attempts a job's {@link #history()} keeps, the latest ones. */
	public static final int MAX_HISTORY = 20;

	public Job {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(input, "input");
		Objects.requireNonNull(createdAt, "createdAt");
		Objects.requireNonNull(deadline, "deadline");
		metadata = (metadata == null) ? Map.of() : Map.copyOf(metadata);
		if (batch != null && !batch.jobId().equals(id)) {
			throw new IllegalArgumentException("Job " + id + " is not the job of " + batch);
		}
		history = (history == null) ? List.of()
				: List.copyOf(history.subList(Math.max(0, history.size() - MAX_HISTORY), history.size()));
	}

	/**
	 * A new QUEUED job of the {@link TenantId#DEFAULT default tenant}.
	 * @param timeToStart how long the job may wait before it expires unstarted
	 */
	public static Job submit(JobId id, Payload input, String accept, Map<String, String> metadata, Instant now,
			Duration timeToStart) {
		return submit(TenantId.DEFAULT, id, input, accept, metadata, now, timeToStart);
	}

	/**
	 * A new QUEUED job of {@code tenant}.
	 * @param timeToStart how long the job may wait before it expires unstarted
	 */
	public static Job submit(TenantId tenant, JobId id, Payload input, String accept, Map<String, String> metadata,
			Instant now, Duration timeToStart) {
		return new Job(id, tenant, JobStatus.QUEUED, 0, input, accept, metadata, now, null, null, now.plus(timeToStart),
				null, 0, null, null, null, null, null, List.of());
	}

	/**
	 * A new QUEUED job of a batch; its ID derives from the batch's
	 * ({@link BatchItem#jobId()}).
	 * @param timeToStart how long the job may wait before it expires unstarted
	 */
	public static Job submitInBatch(BatchItem batch, Payload input, String accept, Map<String, String> metadata,
			Instant now, Duration timeToStart) {
		return submitInBatch(TenantId.DEFAULT, batch, input, accept, metadata, now, timeToStart);
	}

	/**
	 * A new QUEUED job of {@code tenant}'s batch; its ID derives from the batch's
	 * ({@link BatchItem#jobId()}).
	 * @param timeToStart how long the job may wait before it expires unstarted
	 */
	public static Job submitInBatch(TenantId tenant, BatchItem batch, Payload input, String accept,
			Map<String, String> metadata, Instant now, Duration timeToStart) {
		Objects.requireNonNull(batch, "batch");
		return new Job(batch.jobId(), tenant, JobStatus.QUEUED, 0, input, accept, metadata, now, null, null,
				now.plus(timeToStart), null, 0, null, null, batch, null, null, List.of());
	}

	/**
	 * This job with its completion event sent to {@code callback} ({@code null} for
	 * none); set before the job is first stored, not a change of state.
	 */
	public Job withCallback(URI callback) {
		return new Job(this.id, this.tenant, this.status, this.version, this.input, this.accept, this.metadata,
				this.createdAt, this.startedAt, this.finishedAt, this.deadline, this.leaseExpiresAt, this.attempts,
				this.output, this.error, this.batch, this.storedStatus, callback, this.history);
	}

	/** Whether the job was enqueued with a batch. */
	public boolean isInBatch() {
		return this.batch != null;
	}

	/** Whether the job has ended. */
	public boolean isTerminal() {
		return this.status.isTerminal();
	}

	/** Whether a QUEUED job has passed its deadline and must not be started any more. */
	public boolean isPastDeadline(Instant now) {
		return this.status == JobStatus.QUEUED && !now.isBefore(this.deadline);
	}

	/**
	 * Whether a RUNNING job's owner has held it past its lease, so another attempt may
	 * take it over.
	 */
	public boolean isLeaseExpired(Instant now) {
		return this.status == JobStatus.RUNNING && this.leaseExpiresAt != null && !now.isBefore(this.leaseExpiresAt);
	}

	/**
	 * Whether a store may start this job's first attempt in one write without reading it
	 * ({@code JobStore#startFirstAttempt}): QUEUED, {@code tenant}'s, in no batch, never
	 * attempted, with room in its history for the attempt (so that the store appends it
	 * without trimming), and with a deadline in a later second than
	 * {@link #firstStartCutoff} (so at least a second after {@code now}).
	 */
	public boolean isFirstStartable(TenantId tenant, Instant now) {
		return this.status == JobStatus.QUEUED && this.tenant.equals(tenant) && this.batch == null && this.attempts == 0
				&& this.history.size() < MAX_HISTORY && isClearOfDeadline(this.deadline, now);
	}

	/**
	 * Whether a job with {@code deadline} may start its first attempt unread at
	 * {@code now}: the deadline is in a later second than {@link #firstStartCutoff}.
	 */
	public static boolean isClearOfDeadline(Instant deadline, Instant now) {
		return deadline.truncatedTo(ChronoUnit.SECONDS).isAfter(firstStartCutoff(now));
	}

	/**
	 * The whole second a first-startable job's deadline must be later than: the one after
	 * {@code now}'s. Whole seconds, so that a store that keeps instants as ISO-8601 text
	 * ({@link Instant#toString}, which drops zero fractions) compares them as text.
	 */
	public static Instant firstStartCutoff(Instant now) {
		return now.plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
	}

	/**
	 * Starts an attempt: QUEUED, or RUNNING with an expired lease, becomes RUNNING, owned
	 * until {@code now + lease}.
	 */
	public Job start(Instant now, Duration lease) {
		if (this.status == JobStatus.RUNNING && !isLeaseExpired(now)) {
			throw new IllegalJobStateChangeException(this.id, this.status, JobStatus.RUNNING);
		}
		if (isPastDeadline(now)) {
			throw new IllegalJobStateChangeException(this.id, JobStatus.EXPIRED, JobStatus.RUNNING);
		}
		List<JobAttempt> history = endAttempt(now, JobAttempt.Outcome.ABANDONED, null);
		history.add(JobAttempt.started(this.attempts + 1, now));
		return transitionTo(JobStatus.RUNNING, now, null, now.plus(lease), this.attempts + 1, null, this.error,
				history);
	}

	/** Ends a RUNNING job with the model's output. */
	public Job succeed(Payload output, Instant now) {
		Objects.requireNonNull(output, "output");
		return transitionTo(JobStatus.SUCCEEDED, this.startedAt, now, null, this.attempts, output, null,
				endAttempt(now, JobAttempt.Outcome.SUCCEEDED, null));
	}

	/** Ends the job without output: a permanent error or retries exhausted. */
	public Job fail(JobError error, Instant now) {
		Objects.requireNonNull(error, "error");
		return transitionTo(JobStatus.FAILED, this.startedAt, now, null, this.attempts, null, error,
				endAttempt(now, JobAttempt.Outcome.FAILED, error));
	}

	/**
	 * Puts a RUNNING job back in the queue after a transient error; the error is kept for
	 * clients to see.
	 * @param now when the attempt ended, for the job's {@link #history()}
	 */
	public Job retryLater(JobError error, Instant now) {
		Objects.requireNonNull(error, "error");
		if (this.status != JobStatus.RUNNING) {
			throw new IllegalJobStateChangeException(this.id, this.status, JobStatus.QUEUED);
		}
		return transitionTo(JobStatus.QUEUED, this.startedAt, null, null, this.attempts, null, error,
				endAttempt(now, JobAttempt.Outcome.RETRIED, error));
	}

	/**
	 * Puts a RUNNING job back as QUEUED without counting its attempt: the endpoint never
	 * worked on it (it refused the request for overload, or this worker lost its share of
	 * the endpoint before sending). A job kept waiting this way still expires at its
	 * deadline.
	 * @param now when the attempt ended, for the job's {@link #history()}
	 */
	public Job requeueUnserved(JobError reason, Instant now) {
		Objects.requireNonNull(reason, "reason");
		if (this.status != JobStatus.RUNNING) {
			throw new IllegalJobStateChangeException(this.id, this.status, JobStatus.QUEUED);
		}
		return transitionTo(JobStatus.QUEUED, null, null, null, this.attempts - 1, null, reason,
				endAttempt(now, JobAttempt.Outcome.UNSERVED, reason));
	}

	/**
	 * The RUNNING job with its lease extended to {@code now + lease}: the attempt is
	 * still at work. Not a state change; a store writes it without a new version
	 * ({@code JobStore#renewLease}).
	 */
	public Job renewLease(Instant now, Duration lease) {
		if (this.status != JobStatus.RUNNING) {
			throw new IllegalJobStateChangeException(this.id, this.status, JobStatus.RUNNING);
		}
		return new Job(this.id, this.tenant, this.status, this.version, this.input, this.accept, this.metadata,
				this.createdAt, this.startedAt, this.finishedAt, this.deadline, now.plus(lease), this.attempts,
				this.output, this.error, this.batch, this.storedStatus, this.callback, this.history);
	}

	/** Cancels a job that has not ended; a running attempt's output will be discarded. */
	public Job cancel(Instant now) {
		return transitionTo(JobStatus.CANCELLED, this.startedAt, now, null, this.attempts, null, null,
				endAttempt(now, JobAttempt.Outcome.CANCELLED, null));
	}

	/** Expires a QUEUED job that has passed its deadline. */
	public Job expire(Instant now) {
		if (!isPastDeadline(now)) {
			throw new IllegalJobStateChangeException(this.id, this.status, JobStatus.EXPIRED);
		}
		return transitionTo(JobStatus.EXPIRED, this.startedAt, now, null, this.attempts, null,
				new JobError("Expired", "The job was not started before its deadline " + this.deadline), this.history);
	}

	/**
	 * This job as stored at {@code newVersion}, with its current status as the stored
	 * one; used by stores after a successful write.
	 */
	public Job withVersion(long newVersion) {
		return new Job(this.id, this.tenant, this.status, newVersion, this.input, this.accept, this.metadata,
				this.createdAt, this.startedAt, this.finishedAt, this.deadline, this.leaseExpiresAt, this.attempts,
				this.output, this.error, this.batch, this.status, this.callback, this.history);
	}

	/**
	 * This job with its input kept elsewhere: {@code sameInput} must be the same content
	 * as the input, inline or stored; not a change of state.
	 */
	public Job withInput(Payload sameInput) {
		Objects.requireNonNull(sameInput, "sameInput");
		return new Job(this.id, this.tenant, this.status, this.version, sameInput, this.accept, this.metadata,
				this.createdAt, this.startedAt, this.finishedAt, this.deadline, this.leaseExpiresAt, this.attempts,
				this.output, this.error, this.batch, this.storedStatus, this.callback, this.history);
	}

	/**
	 * This job with its output kept elsewhere: {@code sameOutput} must be the same
	 * content as the output, inline or stored; not a change of state.
	 */
	public Job withOutput(Payload sameOutput) {
		return new Job(this.id, this.tenant, this.status, this.version, this.input, this.accept, this.metadata,
				this.createdAt, this.startedAt, this.finishedAt, this.deadline, this.leaseExpiresAt, this.attempts,
				sameOutput, this.error, this.batch, this.storedStatus, this.callback, this.history);
	}

	private Job transitionTo(JobStatus next, Instant newStartedAt, Instant newFinishedAt, Instant newLease,
			int newAttempts, Payload newOutput, JobError newError, List<JobAttempt> newHistory) {
		if (!this.status.canBecome(next)) {
			throw new IllegalJobStateChangeException(this.id, this.status, next);
		}
		return new Job(this.id, this.tenant, next, this.version, this.input, this.accept, this.metadata, this.createdAt,
				newStartedAt, newFinishedAt, this.deadline, newLease, newAttempts, newOutput, newError, this.batch,
				this.storedStatus, this.callback, newHistory);
	}

	/**
	 * A copy of the history with its last attempt ended, if it was still open; a job
	 * written before histories were kept has none to end.
	 */
	private List<JobAttempt> endAttempt(Instant now, JobAttempt.Outcome outcome, JobError error) {
		List<JobAttempt> history = new ArrayList<>(this.history);
		int last = history.size() - 1;
		if (last >= 0 && history.get(last).isOpen()) {
			history.set(last, history.get(last).end(now, outcome, error));
		}
		return history;
	}

}
