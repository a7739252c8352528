package io.inferq.worker.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Caps how many tasks run at once without blocking a thread: {@link #acquire()} returns a
 * future that completes with a {@link Permit} as soon as one is free, waiters being
 * served first come, first served. Every permit must be released exactly once;
 * {@link #run(Supplier)} does that on every outcome.
 * <p>
 * The limit can change while tasks run (the endpoint scaled): raising it admits waiters
 * at once, lowering it lets running tasks finish and admits no one until the count falls
 * below the new limit.
 */
public class ConcurrencyLimiter {

	private final Queue<CompletableFuture<Permit>> waiters = new ArrayDeque<>();

	private int limit;

	private int inUse;

	private int maxInUse;

	public ConcurrencyLimiter(int limit) {
		setLimit(limit);
	}

	/**
	 * Runs {@code task} once a permit is free and releases the permit when the task's
	 * future completes, whatever the outcome, including a task that throws instead of
	 * returning a future.
	 */
	public <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task) {
		return acquire().thenCompose((permit) -> {
			CompletableFuture<T> result;
			try {
				result = task.get();
			}
			catch (RuntimeException ex) {
				result = CompletableFuture.failedFuture(ex);
			}
			return result.whenComplete((value, failure) -> permit.release());
		});
	}

	/** A permit, now if one is free, otherwise once one is released. */
	public CompletableFuture<Permit> acquire() {
		synchronized (this) {
			if (this.inUse < this.limit) {
				return CompletableFuture.completedFuture(grant());
			}
			CompletableFuture<Permit> waiter = new CompletableFuture<>();
			this.waiters.add(waiter);
			return waiter;
		}
	}

	/** Changes the limit; waiters that now fit are admitted at once. */
	public void setLimit(int newLimit) {
		if (newLimit < 1) {
			throw new IllegalArgumentException("The concurrency limit must be at least 1, not " + newLimit);
		}
		List<CompletableFuture<Permit>> admitted;
		synchronized (this) {
			this.limit = newLimit;
			admitted = admitWaiters();
		}
		admitted.forEach(this::hand);
	}

	public synchronized int limit() {
		return this.limit;
	}

	/** Permits held now. */
	public synchronized int inUse() {
		return this.inUse;
	}

	/** The most permits ever held at once. */
	public synchronized int maxInUse() {
		return this.maxInUse;
	}

	/** Acquirers waiting for a permit. */
	public synchronized int waiting() {
		return this.waiters.size();
	}

	private void release() {
		List<CompletableFuture<Permit>> admitted;
		synchronized (this) {
			this.inUse--;
			admitted = admitWaiters();
		}
		admitted.forEach(this::hand);
	}

	private List<CompletableFuture<Permit>> admitWaiters() {
		List<CompletableFuture<Permit>> admitted = new ArrayList<>();
		while (this.inUse < this.limit && !this.waiters.isEmpty()) {
			admitted.add(this.waiters.poll());
			this.inUse++;
		}
		this.maxInUse = Math.max(this.maxInUse, this.inUse);
		return admitted;
	}

	private Permit grant() {
		this.inUse++;
		this.maxInUse = Math.max(this.maxInUse, this.inUse);
		return new Permit();
	}

	/**
	 * Completed outside the lock: the waiter's continuation (the next invocation) runs on
	 * this thread. A waiter that gave up (its future was cancelled) gives the permit
	 * straight back.
	 */
	private void hand(CompletableFuture<Permit> waiter) {
		Permit permit = new Permit();
		if (!waiter.complete(permit)) {
			permit.release();
		}
	}

	/**
	 * The right to run one task. Release it exactly once; further calls do nothing.
	 */
	public final class Permit {

		private final AtomicBoolean released = new AtomicBoolean();

		public void release() {
			if (this.released.compareAndSet(false, true)) {
				ConcurrencyLimiter.this.release();
			}
		}

	}

}
