package io.inferq.worker.inference;

import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the concurrency limit at the endpoint's current instance count times the requests
 * each instance serves, as autoscaling changes it. A failed look-up keeps the last limit.
 */
public class CapacityFollower implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(CapacityFollower.class);

	private final SageMakerEndpointCapacity capacity;

	private final ConcurrencyLimiter limiter;

	private final int requestsPerInstance;

	private final IntSupplier maxLimit;

	/**
	 * @param maxLimit the most in flight this worker can hold messages for
	 */
	public CapacityFollower(SageMakerEndpointCapacity capacity, ConcurrencyLimiter limiter, int requestsPerInstance,
			IntSupplier maxLimit) {
		this.capacity = capacity;
		this.limiter = limiter;
		this.requestsPerInstance = requestsPerInstance;
		this.maxLimit = maxLimit;
	}

	/**
	 * Looks at the endpoint once, without blocking, and adjusts the limit when the answer
	 * comes.
	 */
	@Override
	public void run() {
		this.capacity.currentInstances().whenComplete((instances, failure) -> {
			if (failure != null) {
				logger.warn("Could not read the endpoint's instance count; keeping the limit at {}: {}",
						this.limiter.limit(), failure.toString());
				return;
			}
			int limit = Math.min(Math.max(1, instances * this.requestsPerInstance), this.maxLimit.getAsInt());
			if (limit != this.limiter.limit()) {
				logger.info("Endpoint runs {} instances; in-flight limit {} -> {}", instances, this.limiter.limit(),
						limit);
				this.limiter.setLimit(limit);
			}
		});
	}

}
