package io.inferq.store;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.job.JobError;

/**
 * Where batches live. Every method is non-blocking: it returns at once and never throws;
 * failures complete the future exceptionally.
 * <p>
 * Status changes are conditional on the stored status: a change the stored batch does not
 * allow fails with {@link StaleBatchException}, which carries the batch as now stored.
 * The counts of a batch's jobs change with the jobs themselves (see {@link JobStore}),
 * except while the batch is enqueued, when its ingest adds the jobs it stored
 * ({@link #addJobs}). An IN_PROGRESS batch becomes COMPLETED, in the store, with the
 * write that ends its last job: exactly once, by that write alone.
 */
public interface BatchStore {

	/** Stores a new batch. */
	CompletableFuture<Batch> create(Batch batch);

	/**
	 * The batch as last stored (strongly consistent), or empty if there is none. Workers
	 * check {@link Batch#isCancelled()} before they start a job of a batch.
	 */
	CompletableFuture<Optional<Batch>> find(BatchId id);

	/**
	 * Counts the batch's jobs {@code from} to {@code from + count - 1}, all QUEUED: its
	 * total and its QUEUED count grow by {@code count}. Exactly once, even when the call
	 * is retried after a lost answer.
	 */
	CompletableFuture<Void> addJobs(Batch batch, long from, int count);

	/**
	 * Extends the lease of an ENQUEUEING batch to {@code until}; fails with
	 * {@link StaleBatchException} if it is not ENQUEUEING any more (it was cancelled, or
	 * failed when its lease had lapsed).
	 */
	CompletableFuture<Batch> renewLease(BatchId id, Instant until);

	/**
	 * Ends the ingest of an ENQUEUEING batch of {@code total} jobs: it becomes
	 * IN_PROGRESS with the request's {@code fingerprint}, or COMPLETED if every job ended
	 * already.
	 */
	CompletableFuture<Batch> markEnqueued(BatchId id, String fingerprint, long total, Instant now);

	/**
	 * Fails an ENQUEUEING batch for {@code reason}; its jobs will not run. With
	 * {@code onlyIfAbandoned}, only if its lease lapsed before {@code now} (its ingest is
	 * presumed dead).
	 */
	CompletableFuture<Batch> fail(BatchId id, JobError reason, Instant now, boolean onlyIfAbandoned);

	/**
	 * Removes what the ingest of a batch that was never accepted (FAILED, or CANCELLED
	 * while ENQUEUEING) wrote: deletes its jobs {@code 0} to {@code jobs - 1}, those that
	 * exist, and sets its counters to zero, so that its record only says why it ended.
	 * Completes once every job is deleted; fails if some could not be (some may be
	 * deleted then), or with {@link StaleBatchException} if the batch was accepted.
	 * @param jobs how many jobs the ingest may have written, at least
	 */
	CompletableFuture<Void> discard(BatchId id, long jobs);

	/**
	 * Cancels an ENQUEUEING or IN_PROGRESS batch in one write: workers then cancel its
	 * jobs instead of starting them.
	 * @see BatchStatus#CANCELLED
	 */
	CompletableFuture<Batch> cancel(BatchId id, Instant now);

}
