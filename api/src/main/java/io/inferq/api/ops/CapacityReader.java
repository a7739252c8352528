package io.inferq.api.ops;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Reads the workers' cluster budget of an endpoint (see the worker's
 * {@code DynamoDbBudgetStore}): what the endpoint serves at once, what the workers may
 * have outstanding now, and each worker's share. The future fails with the store's
 * exception.
 */
public interface CapacityReader {

	/**
	 * The budget of {@code endpoint} ({@code <endpoint>#<variant>}), or empty if no
	 * worker ever created it.
	 */
	CompletableFuture<Optional<Capacity>> capacity(String endpoint);

	/**
	 * An endpoint's budget as stored.
	 *
	 * @param capacity what the endpoint serves at once; 0 until a worker measured it
	 * @param limit what the cluster may have outstanding now (the adaptive limit, at most
	 * {@code capacity})
	 * @param held each live worker's share of the limit by worker ID: the most requests
	 * it may have outstanding
	 * @param demand each worker's requests in flight plus waiting for a permit, as of its
	 * last write
	 */
	record Capacity(int capacity, int limit, Map<String, Integer> held, Map<String, Integer> demand) {

		public Capacity {
			held = Map.copyOf(held);
			demand = Map.copyOf(demand);
		}

	}

}
