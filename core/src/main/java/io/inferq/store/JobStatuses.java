package io.inferq.store;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.JobId;
import io.inferq.job.JobStatus;

/**
 * Reads the stored status of many jobs at once, and nothing else of them: what a watcher
 * of many waiting clients needs to learn which jobs have ended. Non-blocking; failures
 * complete the future exceptionally.
 */
public interface JobStatuses {

	/** The most IDs one call takes (DynamoDB's {@code BatchGetItem} limit). */
	int MAX_IDS = 100;

	/**
	 * The stored status of each of {@code ids} (at most {@link #MAX_IDS}), strongly
	 * consistent. A job that does not exist is missing from the map, and so is one the
	 * store could not read this time (the caller asks again later); a status is as
	 * stored, not as of now (a QUEUED job past its deadline is still QUEUED).
	 */
	CompletableFuture<Map<JobId, JobStatus>> statuses(Collection<JobId> ids);

}
