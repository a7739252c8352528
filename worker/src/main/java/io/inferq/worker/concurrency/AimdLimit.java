package io.inferq.worker.concurrency;

/**
 * Additive increase, multiplicative decrease of the cluster-wide limit: an overload cuts
 * it to three quarters (rounded up, at least 1), and every quiet interval without one
 * raises it by one, up to the capacity. So a limit above what the endpoint really serves
 * settles just below it, touching it once per interval.
 */
public final class AimdLimit {

	private static final double BACKOFF_RATIO = 0.75;

	private AimdLimit() {
	}

	/** The limit after an overload at {@code limit}. */
	public static int decrease(int limit) {
		return Math.max(1, (int) Math.ceil(limit * BACKOFF_RATIO));
	}

	/** The limit after a quiet interval at {@code limit}, at most {@code capacity}. */
	public static int increase(int limit, int capacity) {
		return Math.min(capacity, limit + 1);
	}

}
