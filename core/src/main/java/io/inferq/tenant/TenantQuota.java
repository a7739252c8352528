package io.inferq.tenant;

/**
 * The limits one credential (an API key, or a JWT's claims) sets for its tenant; a
 * {@code null} limit is the API's default.
 *
 * @param submitsPerSecond how many submits (a job, or a batch) a second are admitted on
 * average
 * @param submitBurst how many submits may come at once after a quiet spell
 * @param maxQueuedJobs how many of the tenant's jobs may wait QUEUED
 */
public record TenantQuota(Double submitsPerSecond, Integer submitBurst, Long maxQueuedJobs) {

	/** No limits of its own: the defaults apply. */
	public static final TenantQuota DEFAULTS = new TenantQuota(null, null, null);

	public TenantQuota {
		if (submitsPerSecond != null && !(submitsPerSecond > 0)) {
			throw new IllegalArgumentException("A submit rate must be positive; was " + submitsPerSecond);
		}
		if (submitBurst != null && submitBurst < 1) {
			throw new IllegalArgumentException("A submit burst must be at least 1; was " + submitBurst);
		}
		if (maxQueuedJobs != null && maxQueuedJobs < 1) {
			throw new IllegalArgumentException("A queued-jobs limit must be at least 1; was " + maxQueuedJobs);
		}
	}

}
