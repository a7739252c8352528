package io.inferq.message;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.tenant.TenantId;

/**
 * What travels through the jobs queue: the ID of a job to run. Messages sent by the API
 * carry only the ID (the job, with its input, is in the store); a batch system that
 * writes to the queue directly also sends the input, and the worker creates the job if it
 * does not exist yet. {@link JobMessageCodec} defines the JSON form.
 * <p>
 * Every message names its tenant, which SQS fair queues use as the message group: one
 * tenant's backlog does not hold up the others'. A message sent without one belongs to
 * the {@link TenantId#DEFAULT default tenant}.
 * <p>
 * The message of a stored job of a batch says so ({@code inBatch}): a worker starts a job
 * of no batch in one write without reading it first, and reads a batch's job first, as
 * its start moves its batch's counters too. A job said to be in no batch that is in one
 * still runs (the worker learns it from the refused write), a little later. The message
 * of a stored job of no batch also names its deadline, so that a job whose deadline
 * passed while its message waited in the queue is read and expired at once, not after a
 * wait for an instance.
 *
 * @param jobId the job to run
 * @param tenant who the job belongs to (a job created from this message is theirs)
 * @param input the input, for a job the store does not know yet; otherwise {@code null}
 * @param accept the media type asked of the model, or {@code null}
 * @param metadata the client's key-value pairs for a job created from this message
 * @param inBatch whether the job is one of a batch's (stored by a batch's ingest)
 * @param deadline when the stored job expires unstarted, or {@code null} if the message
 * does not say
 */
public record JobMessage(JobId jobId, TenantId tenant, Payload input, String accept, Map<String, String> metadata,
		boolean inBatch, Instant deadline) {

	public JobMessage {
		Objects.requireNonNull(jobId, "jobId");
		tenant = (tenant != null) ? tenant : TenantId.DEFAULT;
		metadata = (metadata == null) ? Map.of() : Map.copyOf(metadata);
	}

	/**
	 * A message of {@code tenant}'s for a job of no batch: a new job with {@code input},
	 * or, without, a stored one.
	 */
	public JobMessage(JobId jobId, TenantId tenant, Payload input, String accept, Map<String, String> metadata) {
		this(jobId, tenant, input, accept, metadata, false, null);
	}

	/**
	 * A message of the default tenant's, for a new job with {@code input} (or for a
	 * stored job, without).
	 */
	public JobMessage(JobId jobId, Payload input, String accept, Map<String, String> metadata) {
		this(jobId, TenantId.DEFAULT, input, accept, metadata);
	}

	/** A message for a job of the default tenant's that is stored already. */
	public static JobMessage of(JobId jobId) {
		return of(jobId, TenantId.DEFAULT);
	}

	/**
	 * The QUEUED job a message with input stands for, its tenant's: what a worker creates
	 * when it does not find the job stored.
	 * @param timeToStart how long the job may wait before it expires unstarted
	 */
	public Job newJob(Instant now, Duration timeToStart) {
		if (this.input == null) {
			throw new IllegalStateException("Job " + this.jobId + ": its message has no input to create it from");
		}
		return Job.submit(this.tenant, this.jobId, this.input, this.accept, this.metadata, now, timeToStart);
	}

	/**
	 * The message of a stored job: its ID, tenant and deadline, and whether it is in a
	 * batch.
	 */
	public static JobMessage of(Job job) {
		return new JobMessage(job.id(), job.tenant(), null, null, Map.of(), job.isInBatch(), job.deadline());
	}

	/**
	 * Whether a worker may start this message's job without reading it first
	 * ({@code JobStore#startFirstAttempt}): a stored job of no batch whose deadline, if
	 * the message names it, is not about to pass ({@link Job#firstStartCutoff}). The
	 * others are read first, so that one past its deadline is expired without waiting for
	 * an instance.
	 */
	public boolean startsUnread(Instant now) {
		return this.input == null && !this.inBatch
				&& (this.deadline == null || Job.isClearOfDeadline(this.deadline, now));
	}

	/** A message for a job of {@code tenant}'s, in no batch, that is stored already. */
	public static JobMessage of(JobId jobId, TenantId tenant) {
		return new JobMessage(jobId, tenant, null, null, Map.of());
	}

	/** A message for a job of one of {@code tenant}'s batches, stored already. */
	public static JobMessage ofBatchJob(JobId jobId, TenantId tenant) {
		return new JobMessage(jobId, tenant, null, null, Map.of(), true, null);
	}

}
