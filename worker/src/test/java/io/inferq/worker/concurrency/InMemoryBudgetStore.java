package io.inferq.worker.concurrency;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.worker.concurrency.Budget.Share;

/**
 * The {@link BudgetStore} contract in memory, for unit tests of the protocol; held to the
 * same contract test as the DynamoDB adapter. Can be made unreachable.
 */
class InMemoryBudgetStore implements BudgetStore {

	private final Map<String, Budget> budgets = new HashMap<>();

	final AtomicInteger requests = new AtomicInteger();

	volatile boolean down;

	@Override
	public synchronized CompletableFuture<Budget> join(String key, String worker, Share share, int capacity) {
		if (unreachable()) {
			return CompletableFuture.failedFuture(new IllegalStateException("store down"));
		}
		Budget current = this.budgets.get(key);
		Budget next = (current == null) ? new Budget(1, capacity, capacity, 0, worker, Map.of(worker, share))
				: with(current, current.version(), worker, share);
		this.budgets.put(key, next);
		return CompletableFuture.completedFuture(next);
	}

	@Override
	public synchronized CompletableFuture<Budget> putShare(String key, String worker, Share share) {
		if (unreachable()) {
			return CompletableFuture.failedFuture(new IllegalStateException("store down"));
		}
		Budget current = this.budgets.get(key);
		if (current == null || current.share(worker).isEmpty()) {
			return CompletableFuture.failedFuture(new ShareLostException(worker));
		}
		if (share.held() > current.share(worker).get().held()) {
			return CompletableFuture.failedFuture(new IllegalStateException("raised without a version"));
		}
		Budget next = with(current, current.version(), worker, share);
		this.budgets.put(key, next);
		return CompletableFuture.completedFuture(next);
	}

	@Override
	public synchronized CompletableFuture<Budget> change(String key, long expectedVersion, String worker, Share share,
			Change change) {
		if (unreachable()) {
			return CompletableFuture.failedFuture(new IllegalStateException("store down"));
		}
		Budget current = this.budgets.get(key);
		if (current == null || current.share(worker).isEmpty()) {
			return CompletableFuture.failedFuture(new ShareLostException(worker));
		}
		if (current.version() != expectedVersion) {
			return CompletableFuture.failedFuture(new StaleBudgetException(expectedVersion, current));
		}
		Map<String, Share> shares = new HashMap<>(current.shares());
		shares.put(worker, share);
		Budget next = new Budget(expectedVersion + 1,
				(change.capacity() != null) ? change.capacity() : current.capacity(),
				(change.limit() != null) ? change.limit() : current.limit(),
				current.limitEpoch() + ((change.limit() != null) ? 1 : 0),
				(change.leader() != null) ? change.leader() : current.leader(), shares);
		this.budgets.put(key, next);
		return CompletableFuture.completedFuture(next);
	}

	@Override
	public synchronized CompletableFuture<Optional<Budget>> remove(String key, String worker, String renewal) {
		if (unreachable()) {
			return CompletableFuture.failedFuture(new IllegalStateException("store down"));
		}
		Budget current = this.budgets.get(key);
		if (current == null) {
			return CompletableFuture.completedFuture(Optional.empty());
		}
		if (renewal != null && !current.share(worker).map((share) -> share.renewal().equals(renewal)).orElse(false)) {
			return CompletableFuture.completedFuture(Optional.of(current));
		}
		Map<String, Share> shares = new HashMap<>(current.shares());
		shares.remove(worker);
		Budget next = new Budget(current.version(), current.capacity(), current.limit(), current.limitEpoch(),
				current.leader(), shares);
		this.budgets.put(key, next);
		return CompletableFuture.completedFuture(Optional.of(next));
	}

	@Override
	public synchronized CompletableFuture<Optional<Budget>> find(String key) {
		if (unreachable()) {
			return CompletableFuture.failedFuture(new IllegalStateException("store down"));
		}
		return CompletableFuture.completedFuture(Optional.ofNullable(this.budgets.get(key)));
	}

	private boolean unreachable() {
		this.requests.incrementAndGet();
		return this.down;
	}

	private static Budget with(Budget budget, long version, String worker, Share share) {
		Map<String, Share> shares = new HashMap<>(budget.shares());
		shares.put(worker, share);
		return new Budget(version, budget.capacity(), budget.limit(), budget.limitEpoch(), budget.leader(), shares);
	}

}
