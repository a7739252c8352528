package io.inferq.stats;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Per-minute job figures of each endpoint, added to by every worker and read by the API's
 * dashboard. Kept about two hours, then deleted by the store (TTL).
 * <p>
 * {@code endpoint} names an endpoint and its variant as the workers' budget does:
 * {@code <endpoint>#<variant>} or {@code <endpoint>#all}. Futures fail with the store's
 * exception when it cannot be reached; nothing is retried here.
 */
public interface StatsStore {

	/**
	 * Adds {@code counts} to the minute {@code counts.minute()} of {@code endpoint}, an
	 * atomic increment that any number of workers may make at once.
	 */
	CompletableFuture<Void> add(String endpoint, MinuteStats counts);

	/** Records that {@code endpoint} exists, so that {@link #endpoints()} names it. */
	CompletableFuture<Void> register(String endpoint);

	/** The endpoints workers registered. */
	CompletableFuture<Set<String>> endpoints();

	/**
	 * The minutes of {@code endpoint} from {@code from} (inclusive) to {@code to}
	 * (exclusive), oldest first, at most {@value #MAX_MINUTES}; a minute no worker added
	 * to is {@link MinuteStats#empty empty}.
	 */
	CompletableFuture<List<MinuteStats>> minutes(String endpoint, Instant from, Instant to);

	/** The most minutes one {@link #minutes} call reads. */
	int MAX_MINUTES = 100;

}
