package io.inferq.api.eta;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the API's estimates of waiting times come from, and how they are used.
 *
 * @param endpointName the SageMaker endpoint the workers invoke (their
 * {@code inferq.worker.endpoint-name}): its budget record holds the workers' pace.
 * Without it there are no estimates, and {@code Retry-After} is
 * {@code inferq.api.expected-latency}
 * @param variantName the variant the workers count ({@code all} when they count all)
 * @param depthTtl how long one reading of the queues' depths is used (one
 * {@code GetQueueAttributes} per lane per this, per API process)
 * @param paceTtl how long one reading of the workers' pace is used (one {@code GetItem}
 * per this, per API process)
 * @param minRetryAfter the least {@code Retry-After} derived from an estimate
 * @param maxRetryAfter the most {@code Retry-After} derived from an estimate
 */
@ConfigurationProperties(EtaProperties.PREFIX)
public record EtaProperties(String endpointName, @DefaultValue("all") String variantName,
		@DefaultValue("1s") Duration depthTtl, @DefaultValue("2s") Duration paceTtl,
		@DefaultValue("1s") Duration minRetryAfter, @DefaultValue("30s") Duration maxRetryAfter) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.api.eta";

	public EtaProperties {
		if (depthTtl.isNegative() || paceTtl.isNegative()) {
			throw new IllegalArgumentException(PREFIX + ".depth-ttl and pace-ttl must not be negative");
		}
		if (minRetryAfter.toSeconds() < 1 || maxRetryAfter.compareTo(minRetryAfter) < 0) {
			throw new IllegalArgumentException(PREFIX + ".min-retry-after must be at least 1s and max-retry-after at "
					+ "least min-retry-after; were " + minRetryAfter + " and " + maxRetryAfter);
		}
	}

	/** The key of the budget record, or {@code null} without an endpoint. */
	String budgetKey() {
		return (this.endpointName != null && !this.endpointName.isBlank())
				? "budget#" + this.endpointName + "#" + this.variantName : null;
	}

}
