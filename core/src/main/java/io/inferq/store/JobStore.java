package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.tenant.TenantId;

/**
 * Where jobs live between submit and poll. Every method is non-blocking: it returns at
 * once and never throws; failures complete the future exceptionally.
 * <p>
 * Writes are conditional (optimistic locking): {@link #update(Job)} succeeds only if the
 * stored job is still at the version the given job was read at, so two workers, or a
 * worker and a cancelling client, can never both win. The loser's future fails with
 * {@link StaleJobException}, which carries the job as now stored.
 * <p>
 * A job of a batch ({@link Job#batch()}) moves its batch's counters with every write: in
 * the same transaction, {@link #create} counts it as QUEUED and {@link #update} moves it
 * from its stored status to its new one, so that the counters always agree with the jobs.
 * {@link #createAll} is the exception: the bulk writer counts the jobs itself once they
 * are stored (see {@link BatchStore#addJobs}).
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

	/**
	 * Starts the first attempt of a job known only by its ID, as {@link Job#start} would,
	 * where the store can in one conditional write without reading the job first: if the
	 * stored job {@link Job#isFirstStartable is first-startable} for {@code tenant} at
	 * {@code now}, it becomes RUNNING, owned until {@code now + lease}. Fails with
	 * {@link StaleJobException} otherwise, carrying the job as stored (none if it is not
	 * stored), for the caller to decide on it as if it had read it.
	 * <p>
	 * The default reads the job, then {@link #update updates} it.
	 * @return the RUNNING job as stored, at the next version
	 */
	default CompletableFuture<Job> startFirstAttempt(JobId id, TenantId tenant, Instant now, Duration lease) {
		return find(id).thenCompose((found) -> {
			if (found.isPresent() && found.get().isFirstStartable(tenant, now)) {
				return update(found.get().start(now, lease));
			}
			return Futures.failed(new StaleJobException(id, 0, found.orElse(null)));
		});
	}

	/**
	 * Extends the lease of a RUNNING job, {@link Job#renewLease}, if the stored job is
	 * still RUNNING at {@code job.version()}; the version does not change, so a write of
	 * the attempt's outcome at that version still succeeds afterwards. Fails with
	 * {@link StaleJobException} if the job changed (cancelled, or taken over).
	 * @return the job as stored
	 */
	CompletableFuture<Job> renewLease(Job job);

	/**
	 * Asks to be told through {@code watcher} (an inbox's address, at most 1 KB) when the
	 * job ends: the write that ends it hands every watcher registered before it to
	 * {@link JobWatchers}. Registering twice is registering once.
	 * @return {@code true} if registered; {@code false} if the job has ended already or
	 * is not stored (read it instead), and always {@code false} for a store that tells
	 * nobody
	 */
	default CompletableFuture<Boolean> watch(JobId id, String watcher) {
		return CompletableFuture.completedFuture(false);
	}

	/**
	 * Stores many new jobs, in as few calls as the store allows; unlike {@link #create},
	 * unconditionally (a job with the same ID is replaced) and without counting them in
	 * their batch. The future completes once every job is stored, or fails if any could
	 * not be stored after retries (some may be stored then). For a bulk writer that owns
	 * fresh IDs, such as a batch ingest.
	 * @return the jobs as stored, at version 1, in the given order
	 */
	default CompletableFuture<List<Job>> createAll(List<Job> jobs) {
		List<CompletableFuture<Job>> created = jobs.stream().map(this::create).toList();
		return CompletableFuture.allOf(created.toArray(CompletableFuture[]::new))
			.thenApply((all) -> created.stream().map(CompletableFuture::join).toList());
	}

	/**
	 * The jobs with the given IDs as last stored (strongly consistent); absent jobs are
	 * missing from the map, whose order is that of {@code ids}.
	 */
	default CompletableFuture<Map<JobId, Job>> findAll(List<JobId> ids) {
		List<CompletableFuture<Optional<Job>>> found = ids.stream().map(this::find).toList();
		return CompletableFuture.allOf(found.toArray(CompletableFuture[]::new)).thenApply((all) -> {
			Map<JobId, Job> jobs = new LinkedHashMap<>();
			for (CompletableFuture<Optional<Job>> job : found) {
				job.join().ifPresent((present) -> jobs.put(present.id(), present));
			}
			return jobs;
		});
	}

}
