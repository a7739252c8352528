package io.inferq.api.quota;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The default limits of every tenant; an API key or a JWT may set its own (see
 * {@code TenantQuota}).
 *
 * @param submitsPerSecond how many submits ({@code POST /v1/jobs} or
 * {@code POST /v1/batches}) a tenant may make a second, on average, per API replica: the
 * limiter is each replica's own, so the whole API admits up to replicas times this
 * @param submitBurst how many submits a tenant may make at once after a quiet spell, per
 * API replica
 * @param maxQueuedJobs how many of a tenant's jobs may wait QUEUED, whichever replica
 * admitted them: a global limit, read from the table's index
 * @param queuedCountTtl the longest a replica reuses its count of a tenant's queued jobs
 * (it recounts sooner only when near the limit; see {@code QueuedJobs})
 */
@ConfigurationProperties(QuotaProperties.PREFIX)
public record QuotaProperties(@DefaultValue("50") double submitsPerSecond, @DefaultValue("100") int submitBurst,
		@DefaultValue("100000") long maxQueuedJobs, @DefaultValue("1s") Duration queuedCountTtl) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.api.quotas";

	public QuotaProperties {
		if (!(submitsPerSecond > 0) || submitBurst < 1 || maxQueuedJobs < 1) {
			throw new IllegalArgumentException(PREFIX + ".submits-per-second must be positive, and submit-burst and "
					+ "max-queued-jobs at least 1; were " + submitsPerSecond + ", " + submitBurst + " and "
					+ maxQueuedJobs);
		}
		if (queuedCountTtl.isNegative() || queuedCountTtl.isZero()) {
			throw new IllegalArgumentException(PREFIX + ".queued-count-ttl must be positive, for example 1s");
		}
	}

}
