package io.inferq.worker.concurrency;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The capacity an endpoint has now, as its autoscaling changes it: its current instance
 * count (SageMaker's DescribeEndpoint) times the requests each instance serves, at most a
 * configured cap.
 */
public final class EndpointCapacity implements CapacitySource {

	private final Supplier<CompletableFuture<Integer>> currentInstances;

	private final int requestsPerInstance;

	private final int cap;

	/**
	 * @param currentInstances the endpoint's (variant's) current instance count
	 * @param cap the most this capacity may be, or {@link Integer#MAX_VALUE}
	 */
	public EndpointCapacity(Supplier<CompletableFuture<Integer>> currentInstances, int requestsPerInstance, int cap) {
		this.currentInstances = currentInstances;
		this.requestsPerInstance = requestsPerInstance;
		this.cap = cap;
	}

	@Override
	public CompletableFuture<Integer> capacity() {
		return this.currentInstances.get()
			.thenApply((instances) -> (int) Math.min(this.cap, (long) instances * this.requestsPerInstance));
	}

}
