package io.inferq.worker.config;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the worker drives its SageMaker endpoint.
 *
 * @param endpointName the SageMaker endpoint to invoke
 * @param instances the endpoint's instance count: with {@code requestsPerInstance}, how
 * many invocations this worker keeps in flight (run several workers? give each its share)
 * @param requestsPerInstance how many requests one instance serves at once (1 for a model
 * that serialises requests)
 * @param prefetch extra messages held ready beyond the in-flight ones, so an instance
 * that frees up is busy again at once; defaults to the in-flight limit
 * @param interactiveShare the share of the in-flight limit (0 to 1, rounded up) kept for
 * interactive jobs, the rest being the bulk lane's; either lane borrows what the other
 * leaves unused, and a lane below its share is served first
 * @param followEndpointCapacity whether to follow the endpoint's current instance count
 * (DescribeEndpoint) as autoscaling changes it, instead of the fixed {@code instances}
 * @param capacityRefreshInterval how often to look at the endpoint's instance count when
 * following it
 * @param sagemakerEndpoint an endpoint override for the SageMaker APIs (an emulator), or
 * none for AWS
 * @param invocationTimeout how long one invocation may take before it is abandoned as a
 * transient failure; a little above SageMaker's 60 s model limit
 * @param lease how long a worker owns a job it started (and keeps its message invisible);
 * after that another worker may take the job over; must cover waiting for an instance
 * plus the invocation
 * @param maxAttempts attempts per job in all before it fails with its last error
 * @param initialBackoff the delay before the second attempt (doubling after, with jitter)
 * @param maxBackoff the longest delay between attempts
 * @param timeToStart the deadline of jobs created from queue messages
 * @param pollTimeout how long one receive waits for messages (SQS long polling; it
 * returns at once when there are some); a stopping worker waits for its current receive
 * to end
 * @param payloadMemory the most bytes of inputs and outputs the worker holds at once: an
 * input kept in S3 is fetched only once its bytes fit, and an output counts until it is
 * stored
 */
@ConfigurationProperties(WorkerProperties.PREFIX)
public record WorkerProperties(String endpointName, @DefaultValue("1") int instances,
		@DefaultValue("1") int requestsPerInstance, Integer prefetch, @DefaultValue("0.25") double interactiveShare,
		@DefaultValue("false") boolean followEndpointCapacity, @DefaultValue("30s") Duration capacityRefreshInterval,
		URI sagemakerEndpoint, @DefaultValue("65s") Duration invocationTimeout, @DefaultValue("180s") Duration lease,
		@DefaultValue("5") int maxAttempts, @DefaultValue("2s") Duration initialBackoff,
		@DefaultValue("5m") Duration maxBackoff, @DefaultValue("6h") Duration timeToStart,
		@DefaultValue("10s") Duration pollTimeout, @DefaultValue("256MB") DataSize payloadMemory) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.worker";

	public WorkerProperties {
		require(endpointName != null && !endpointName.isBlank(),
				"endpoint-name is required: the name of the SageMaker endpoint to invoke");
		require(instances >= 1, "instances must be at least 1, not " + instances);
		require(requestsPerInstance >= 1, "requests-per-instance must be at least 1, not " + requestsPerInstance);
		prefetch = (prefetch != null) ? prefetch : instances * requestsPerInstance;
		require(prefetch >= 0, "prefetch must not be negative");
		require(interactiveShare >= 0 && interactiveShare <= 1,
				"interactive-share must be between 0 and 1, not " + interactiveShare);
		require(maxAttempts >= 1, "max-attempts must be at least 1");
		require(lease.compareTo(invocationTimeout.multipliedBy(2)) > 0,
				"lease (" + lease + ") must exceed twice the invocation-timeout (" + invocationTimeout
						+ "): a prefetched job may wait for one invocation before its own");
		require(!initialBackoff.isNegative() && maxBackoff.compareTo(initialBackoff) >= 0,
				"max-backoff must be at least initial-backoff");
		require(payloadMemory.toBytes() >= 1,
				"payload-memory must be positive: the most bytes of inputs and outputs held at once, e.g. 256MB");
	}

	/** The most invocations in flight at once: what the endpoint's instances serve. */
	public int maxInFlight() {
		return this.instances * this.requestsPerInstance;
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(PREFIX + "." + message);
		}
	}

}
