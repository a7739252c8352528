package io.inferq.store;

import java.util.concurrent.CompletableFuture;

import io.inferq.batch.BatchId;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.tenant.TenantId;

/**
 * A tenant's own jobs and batches, newest first, a page at a time, from an index that is
 * eventually consistent: a record created or changed a moment ago may be missing or
 * listed under its old status, so callers read the records themselves and check them.
 * Non-blocking: failures complete the future exceptionally.
 * <p>
 * A cursor is the {@link Listing#next()} of the previous page; it holds no tenant, and
 * the tenant of every call is the caller's, so a cursor can never lead to another
 * tenant's records.
 */
public interface TenantListings {

	/**
	 * The IDs of the tenant's jobs (single jobs and jobs of batches alike), newest first.
	 * @param status only jobs stored in this status, or {@code null} for all
	 * @param limit the most IDs in the page
	 * @param cursor where the page starts, or {@code null} for the newest
	 */
	CompletableFuture<Listing<JobId>> jobs(TenantId tenant, JobStatus status, int limit, String cursor);

	/**
	 * The IDs of the tenant's batches, newest first.
	 * @param limit the most IDs in the page
	 * @param cursor where the page starts, or {@code null} for the newest
	 */
	CompletableFuture<Listing<BatchId>> batches(TenantId tenant, int limit, String cursor);

	/**
	 * How many of the tenant's jobs are stored in {@code status}, counting no further
	 * than {@code atMost}: what it costs grows with the count, so callers stop at the
	 * number they compare with.
	 */
	CompletableFuture<Long> countJobs(TenantId tenant, JobStatus status, long atMost);

}
