package io.inferq.worker.concurrency;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.worker.concurrency.Budget.Share;

/**
 * Where the cluster-wide budgets live (one record per endpoint and variant, by
 * {@code key}). Every method is non-blocking and never throws: failures complete the
 * future exceptionally. Every write answers the record as it is after the write, so that
 * one request both renews a share and shows the worker the others'.
 * <p>
 * The contract that keeps the sum of shares within the limit: {@link #change} is the only
 * write that may raise a share, and it succeeds only at the expected version;
 * {@link #putShare} refuses to raise one.
 */
public interface BudgetStore {

	/**
	 * Adds {@code worker}'s share, creating the budget with {@code capacity} as its
	 * capacity and limit, and {@code worker} as its leader, if there is none.
	 */
	CompletableFuture<Budget> join(String key, String worker, Share share, int capacity);

	/**
	 * Writes {@code worker}'s share at any version, if the share still exists and is not
	 * raised by it: a renewal, a demand update or a release. Fails with
	 * {@link ShareLostException} if the share is gone (another worker reclaimed it).
	 */
	CompletableFuture<Budget> putShare(String key, String worker, Share share);

	/**
	 * Writes {@code worker}'s share together with {@code change} if the budget is still
	 * at {@code expectedVersion}, raising the version. Fails with
	 * {@link StaleBudgetException} (carrying the budget as stored) if it is not, with
	 * {@link ShareLostException} if the share is gone.
	 */
	CompletableFuture<Budget> change(String key, long expectedVersion, String worker, Share share, Change change);

	/**
	 * Removes {@code worker}'s share: unconditionally when {@code renewal} is
	 * {@code null} (a worker leaving), otherwise only if its renewal token is still
	 * {@code renewal} (another worker reclaiming a lapsed share). Completes with the
	 * budget after, or empty if the condition failed or there is no budget.
	 */
	CompletableFuture<Optional<Budget>> remove(String key, String worker, String renewal);

	/** The budget as stored (strongly consistent), or empty. */
	CompletableFuture<Optional<Budget>> find(String key);

	/**
	 * What a versioned write changes besides the writer's share; {@code null} leaves a
	 * value as it is. A new limit raises the limit epoch.
	 *
	 * @param capacity a new capacity
	 * @param limit a new limit
	 * @param leader a new leader
	 */
	record Change(Integer capacity, Integer limit, String leader) {

		/** Nothing besides the writer's share. */
		public static final Change NONE = new Change(null, null, null);

		public static Change limit(int limit) {
			return new Change(null, limit, null);
		}

		public static Change capacity(int capacity, int limit) {
			return new Change(capacity, limit, null);
		}

		public static Change leader(String leader) {
			return new Change(null, null, leader);
		}

	}

}
