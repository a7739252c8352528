package io.inferq.worker.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the worker drives its SageMaker endpoint.
 *
 * @param endpointName the SageMaker endpoint to invoke
 * @param concurrency how many requests the whole cluster of workers keeps outstanding at
 * the endpoint, and how they are shared
 * @param sagemakerEndpoint an endpoint override for the SageMaker APIs (an emulator), or
 * none for AWS
 * @param invocationTimeout how long one invocation may take before it is abandoned as a
 * transient failure; at least the endpoint's own time limit (SageMaker's is 60 s), since
 * the cluster-wide budget counts a request as outstanding until then
 * @param lease how long a worker owns a job it holds without a heartbeat: the job's lease
 * while it runs and the message's visibility while it waits or runs, both renewed every
 * third of it; a dead worker's jobs come back to the queue within it. At least 3 s (SQS
 * counts whole seconds)
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
public record WorkerProperties(String endpointName, @DefaultValue Concurrency concurrency, URI sagemakerEndpoint,
		@DefaultValue("65s") Duration invocationTimeout, @DefaultValue("30s") Duration lease,
		@DefaultValue("5") int maxAttempts, @DefaultValue("2s") Duration initialBackoff,
		@DefaultValue("5m") Duration maxBackoff, @DefaultValue("6h") Duration timeToStart,
		@DefaultValue("10s") Duration pollTimeout, @DefaultValue("96MB") DataSize payloadMemory) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.worker";

	/** The shortest lease: a heartbeat every third of it, in SQS's whole seconds. */
	private static final Duration MIN_LEASE = Duration.ofSeconds(3);

	public WorkerProperties {
		require(endpointName != null && !endpointName.isBlank(),
				"endpoint-name is required: the name of the SageMaker endpoint to invoke");
		require(maxAttempts >= 1, "max-attempts must be at least 1");
		require(lease.compareTo(MIN_LEASE) >= 0, "lease (" + lease + ") must be at least " + MIN_LEASE
				+ ": it is renewed every third of it, and SQS counts visibility in whole seconds");
		require(positive(invocationTimeout), "invocation-timeout must be positive");
		require(!initialBackoff.isNegative() && maxBackoff.compareTo(initialBackoff) >= 0,
				"max-backoff must be at least initial-backoff");
		require(payloadMemory.toBytes() >= 1,
				"payload-memory must be positive: the most bytes of inputs and outputs held at once, e.g. 256MB");
	}

	/** The most requests this worker may ever have outstanding: its share at most. */
	public int maxInFlight() {
		return this.concurrency.maxCapacity();
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(PREFIX + "." + message);
		}
	}

	/** Where the endpoint's capacity comes from. */
	public enum Mode {

		/** A capacity configured here: {@code instances x requests-per-instance}. */
		FIXED,

		/**
		 * The endpoint's current instance count (DescribeEndpoint) times
		 * {@code requests-per-instance}, read by one worker every {@code refresh}.
		 */
		ENDPOINT

	}

	/**
	 * The cluster-wide in-flight budget ({@code inferq.worker.concurrency.*}): the sum
	 * over all running workers of the requests outstanding at the endpoint never exceeds
	 * the capacity C, however many workers run. Coordinated through a budget record in
	 * the jobs table; no per-replica arithmetic.
	 *
	 * @param mode where C comes from
	 * @param instances with mode {@code fixed}: the endpoint's instance count (the whole
	 * endpoint's, not a worker's share)
	 * @param requestsPerInstance how many requests one instance serves at once (1 for a
	 * model that serialises requests)
	 * @param cap the most C may be, whatever the endpoint says; also bounds what one
	 * worker can hold messages and connections for. Default: {@code instances x
	 * requests-per-instance} with mode {@code fixed}, 1024 with mode {@code endpoint}
	 * @param variantName the production variant whose instances count and which is
	 * invoked, or none for the whole endpoint
	 * @param refresh how often the leading worker reads the endpoint's instance count
	 * @param interactiveShare the share of the cluster's limit (0 to 1, rounded up) kept
	 * for interactive jobs, the rest being the bulk lane's; either lane borrows what the
	 * other leaves unused
	 * @param prefetch messages a worker holds ready per lane beyond its share, so that an
	 * instance that frees up is busy again at once; default: as many as its share
	 * @param shareLease how long a worker may start requests after its last renewal of
	 * its share; others reclaim a silent worker's share after this plus the invocation
	 * timeout
	 * @param heartbeat how often a busy worker renews its share (and learns the others')
	 * @param idleHeartbeat how often an idle worker renews its share
	 * @param increaseInterval how long the limit stays uncut by overloads before it is
	 * raised by one towards C
	 * @param adaptive whether overloads (throttling, 429, 503, a model not ready) lower
	 * the cluster-wide limit below C
	 */
	public record Concurrency(@DefaultValue("fixed") Mode mode, @DefaultValue("1") int instances,
			@DefaultValue("1") int requestsPerInstance, Integer cap, String variantName,
			@DefaultValue("30s") Duration refresh, @DefaultValue("0.25") double interactiveShare, Integer prefetch,
			@DefaultValue("10s") Duration shareLease, @DefaultValue("1s") Duration heartbeat,
			@DefaultValue("3s") Duration idleHeartbeat, @DefaultValue("5s") Duration increaseInterval,
			@DefaultValue("true") boolean adaptive, Map<String, Double> tenantWeights) {

		/** The default cap with mode {@code endpoint}. */
		static final int DEFAULT_ENDPOINT_CAP = 1024;

		public Concurrency {
			require(instances >= 1, "concurrency.instances must be at least 1, not " + instances);
			require(requestsPerInstance >= 1,
					"concurrency.requests-per-instance must be at least 1, not " + requestsPerInstance);
			require(cap == null || cap >= 1, "concurrency.cap must be at least 1, not " + cap);
			require(prefetch == null || prefetch >= 0, "concurrency.prefetch must not be negative");
			tenantWeights = (tenantWeights != null) ? Map.copyOf(tenantWeights) : Map.of();
			tenantWeights.forEach((tenant, weight) -> require(weight > 0,
					"concurrency.tenant-weights." + tenant + " must be above 0, not " + weight));
			require(interactiveShare >= 0 && interactiveShare <= 1,
					"concurrency.interactive-share must be between 0 and 1, not " + interactiveShare);
			require(positive(refresh) && positive(increaseInterval),
					"concurrency.refresh and concurrency.increase-interval must be positive");
			require(positive(heartbeat) && positive(idleHeartbeat)
					&& shareLease.compareTo(heartbeat.multipliedBy(2)) >= 0
					&& shareLease.compareTo(idleHeartbeat.multipliedBy(2)) >= 0,
					"concurrency.share-lease (" + shareLease + ") must be at least twice heartbeat (" + heartbeat
							+ ") and idle-heartbeat (" + idleHeartbeat
							+ "), so that one lost renewal does not stop a worker");
		}

		/** The weight of {@code tenant}'s jobs within a lane. */
		public double tenantWeight(String tenant) {
			return this.tenantWeights.getOrDefault(tenant, 1.0);
		}

		/**
		 * The most C may ever be; with mode {@code fixed}, C itself.
		 */
		public int maxCapacity() {
			if (this.cap != null) {
				return (this.mode == Mode.FIXED) ? Math.min(this.cap, this.instances * this.requestsPerInstance)
						: this.cap;
			}
			return (this.mode == Mode.FIXED) ? this.instances * this.requestsPerInstance : DEFAULT_ENDPOINT_CAP;
		}

	}

}
