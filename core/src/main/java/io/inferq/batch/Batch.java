package io.inferq.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.inferq.job.JobError;
import io.inferq.tenant.TenantId;

/**
 * A batch of jobs enqueued together, as stored. Its counters ({@link #total},
 * {@link #counts}) change with its jobs: the job store updates them in the same
 * transaction as each job's status, so they are always consistent with the jobs.
 * <p>
 * A batch is {@link BatchStatus#COMPLETED} as soon as its counters say every job has
 * ended; that status is derived, never written.
 *
 * @param id the batch's identity
 * @param tenant who the batch, and every job of it, belongs to
 * @param status where the batch is in its life
 * @param total how many jobs it has (so far, while ENQUEUEING)
 * @param counts how many of them are in each job status
 * @param metadata the client's key-value pairs, kept with the batch
 * @param createdAt when the batch was started; its jobs are created at that instant too
 * @param deadline no job of the batch starts after it: the creation plus the longest time
 * to start
 * @param leaseExpiresAt while ENQUEUEING, until when the ingest that owns the batch is
 * presumed alive
 * @param enqueuedAt when every item had become a queued job, or {@code null}
 * @param endedAt when the batch was cancelled or failed, or {@code null}
 * @param fingerprint a digest of the request that enqueued the batch, recorded when the
 * ingest completed, to tell a replay from a different request under the same idempotency
 * key; {@code null} until then
 * @param failure why the batch FAILED, or {@code null}
 */
public record Batch(BatchId id, TenantId tenant, BatchStatus status, long total, BatchCounts counts,
		Map<String, String> metadata, Instant createdAt, Instant deadline, Instant leaseExpiresAt, Instant enqueuedAt,
		Instant endedAt, String fingerprint, JobError failure) {

	public Batch {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(createdAt, "createdAt");
		Objects.requireNonNull(deadline, "deadline");
		counts = (counts == null) ? BatchCounts.NONE : counts;
		metadata = (metadata == null) ? Map.of() : Map.copyOf(metadata);
		if (status == BatchStatus.IN_PROGRESS && total > 0 && counts.terminal() >= total) {
			status = BatchStatus.COMPLETED;
		}
	}

	/**
	 * A new batch, ENQUEUEING under a lease held by the ingest that creates it.
	 * @param maxTimeToStart the longest time any of its jobs may wait to start
	 * @param lease how long the ingest is presumed alive without renewing its lease
	 */
	public static Batch start(BatchId id, Map<String, String> metadata, Instant now, Duration maxTimeToStart,
			Duration lease) {
		return start(TenantId.DEFAULT, id, metadata, now, maxTimeToStart, lease);
	}

	/**
	 * A new batch of {@code tenant}, ENQUEUEING under a lease held by the ingest that
	 * creates it.
	 * @param maxTimeToStart the longest time any of its jobs may wait to start
	 * @param lease how long the ingest is presumed alive without renewing its lease
	 */
	public static Batch start(TenantId tenant, BatchId id, Map<String, String> metadata, Instant now,
			Duration maxTimeToStart, Duration lease) {
		return new Batch(id, tenant, BatchStatus.ENQUEUEING, 0, BatchCounts.NONE, metadata, now,
				now.plus(maxTimeToStart), now.plus(lease), null, null, null, null);
	}

	/**
	 * Whether the batch's jobs that have not started must be cancelled rather than run:
	 * the batch was CANCELLED by a client, or it FAILED while being enqueued.
	 */
	public boolean isCancelled() {
		return this.status == BatchStatus.CANCELLED || this.status == BatchStatus.FAILED;
	}

	/**
	 * Whether nothing about the batch changes any more: its status is final and, if it
	 * was cancelled after it was accepted, every job of it has ended too (the cancel is
	 * one write; its queued jobs end CANCELLED as the workers reach them, its running
	 * ones as they finish), so that its counts are final.
	 */
	public boolean hasEnded() {
		if (!this.status.isFinal()) {
			return false;
		}
		return this.status != BatchStatus.CANCELLED || this.enqueuedAt == null || this.counts.terminal() >= this.total;
	}

	/**
	 * Whether the batch is ENQUEUEING and its ingest has not renewed its lease in time,
	 * so the ingest is presumed dead.
	 */
	public boolean isAbandoned(Instant now) {
		return this.status == BatchStatus.ENQUEUEING && this.leaseExpiresAt != null
				&& !now.isBefore(this.leaseExpiresAt);
	}

}
