package io.inferq.worker.concurrency;

import java.util.concurrent.CompletableFuture;

/**
 * Where the capacity C of an endpoint comes from: how many requests it serves at once.
 * Only the budget's leader asks, once per refresh interval.
 */
public interface CapacitySource {

	/** The capacity now; fails if it cannot be known now. */
	CompletableFuture<Integer> capacity();

}
