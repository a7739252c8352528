package io.inferq.worker.concurrency;

import java.util.concurrent.CompletableFuture;

/**
 * A capacity the operator configured: the endpoint's instances times the requests each
 * serves, for the whole cluster of workers.
 */
public final class FixedCapacity implements CapacitySource {

	private final int capacity;

	public FixedCapacity(int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("A fixed capacity must be at least 1, not " + capacity);
		}
		this.capacity = capacity;
	}

	@Override
	public CompletableFuture<Integer> capacity() {
		return CompletableFuture.completedFuture(this.capacity);
	}

}
