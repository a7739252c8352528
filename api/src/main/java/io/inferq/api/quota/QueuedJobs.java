package io.inferq.api.quota;

/**
 * A tenant's queued-jobs limit as one request found it.
 *
 * @param limit how many of the tenant's jobs may wait QUEUED
 * @param queued how many do, as last counted (plus what this replica admitted since)
 */
public record QueuedJobs(long limit, long queued) {

	/** How many more jobs may be queued now. */
	public long remaining() {
		return Math.max(0, this.limit - this.queued);
	}

}
