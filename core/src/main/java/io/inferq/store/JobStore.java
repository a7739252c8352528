package io.inferq.store;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.Job;
import io.inferq.job.JobId;

/**
 * Where jobs live between submit and poll. Every method is non-blocking: it returns at
 * once and never throws; failures complete the future exceptionally.
 * <p>
 * Writes are conditional (optimistic locking): {@link #update(Job)} succeeds only if the
 * stored job is still at the version the given job was read at, so two workers, or a
 * worker and a cancelling client, can never both win. The loser's future fails with
 * {@link StaleJobException}, which carries the job as now stored.
 */
public interface JobStore {

	/**
	 * Stores a new job. Fails with {@link JobAlreadyExistsException} if a job with that
	 * ID exists.
	 * @return the job as stored, at version 1
	 */
	CompletableFuture<Job> create(Job job);

	/** The job as last stored (strongly consistent), or empty if there is none. */
	CompletableFuture<Optional<Job>> find(JobId id);

	/**
	 * Stores a changed job if the stored one is still at {@code job.version()}. Fails
	 * with {@link StaleJobException} if it is not, with {@link JobTooLargeException} if
	 * the job does not fit in one record.
	 * @return the job as stored, at the next version
	 */
	CompletableFuture<Job> update(Job job);

}
