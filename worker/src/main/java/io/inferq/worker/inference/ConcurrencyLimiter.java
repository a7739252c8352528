package io.inferq.worker.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Caps how many tasks run at once without blocking a thread: {@link #acquire(Lane)}
 * returns a future that completes with a {@link Permit} as soon as one is free. Every
 * permit must be released exactly once; {@link #run(Lane, Supplier)} does that on every
 * outcome.
 * <p>
 * Two lanes share the limit, each with its share: {@code reserved} permits for
 * {@link Lane#INTERACTIVE interactive} tasks, the rest for {@link Lane#BULK bulk} ones. A
 * lane may borrow what the other does not use, so no permit is ever idle while a task
 * waits; a permit that comes back goes to the lane that is below its share and has
 * waiters, interactive first, and within a lane to the longest-waiting task. So an
 * interactive task never waits for more than the first permit to come back while its lane
 * is below its share, and neither lane can starve the other.
 * <p>
 * The limit can change while tasks run (the endpoint scaled): raising it admits waiters
 * at once, lowering it lets running tasks finish and admits no one until the count falls
 * below the new limit.
 */
public class ConcurrencyLimiter {

	private final Map<Lane, Queue<CompletableFuture<Permit>>> waiters = new EnumMap<>(Lane.class);

	private final Map<Lane, Integer> inUse = new EnumMap<>(Lane.class);

	private final double interactiveShare;

	private int limit;

	private int reserved;

	private int maxInUse;

	/**
	 * A limiter without a share for interactive tasks, for tasks of one lane.
	 */
	public ConcurrencyLimiter(int limit) {
		this(limit, 0);
	}

	/**
	 * @param interactiveShare the share of the limit, from 0 to 1, for interactive tasks
	 * (rounded up to whole permits); bulk tasks have the rest
	 */
	public ConcurrencyLimiter(int limit, double interactiveShare) {
		if (interactiveShare < 0 || interactiveShare > 1) {
			throw new IllegalArgumentException(
					"The interactive share must be between 0 and 1, not " + interactiveShare);
		}
		this.interactiveShare = interactiveShare;
		for (Lane lane : Lane.values()) {
			this.waiters.put(lane, new ArrayDeque<>());
			this.inUse.put(lane, 0);
		}
		setLimit(limit);
	}

	/**
	 * Runs {@code task} once a permit of {@code lane} is free and releases the permit
	 * when the task's future completes, whatever the outcome, including a task that
	 * throws instead of returning a future.
	 */
	public <T> CompletableFuture<T> run(Lane lane, Supplier<CompletableFuture<T>> task) {
		return acquire(lane).thenCompose((permit) -> {
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

	/** {@link #run(Lane, Supplier)} in the interactive lane. */
	public <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task) {
		return run(Lane.INTERACTIVE, task);
	}

	/** A permit, now if one is free to {@code lane}, otherwise once one is. */
	public CompletableFuture<Permit> acquire(Lane lane) {
		synchronized (this) {
			// A free permit means no task of either lane waits (see admitWaiters).
			if (this.waiters.get(lane).isEmpty() && inUse() < this.limit) {
				return CompletableFuture.completedFuture(grant(lane));
			}
			CompletableFuture<Permit> waiter = new CompletableFuture<>();
			this.waiters.get(lane).add(waiter);
			return waiter;
		}
	}

	/** {@link #acquire(Lane)} in the interactive lane. */
	public CompletableFuture<Permit> acquire() {
		return acquire(Lane.INTERACTIVE);
	}

	/** Changes the limit; waiters that now fit are admitted at once. */
	public void setLimit(int newLimit) {
		if (newLimit < 1) {
			throw new IllegalArgumentException("The concurrency limit must be at least 1, not " + newLimit);
		}
		List<Grant> admitted;
		synchronized (this) {
			this.limit = newLimit;
			this.reserved = Math.min(newLimit, (int) Math.ceil(this.interactiveShare * newLimit));
			admitted = admitWaiters();
		}
		admitted.forEach(Grant::hand);
	}

	public synchronized int limit() {
		return this.limit;
	}

	/** The interactive lane's share of the limit; the bulk lane's is the rest. */
	public synchronized int reserved() {
		return this.reserved;
	}

	/** Permits held now. */
	public synchronized int inUse() {
		return this.inUse.get(Lane.INTERACTIVE) + this.inUse.get(Lane.BULK);
	}

	/** Permits held now by {@code lane}. */
	public synchronized int inUse(Lane lane) {
		return this.inUse.get(lane);
	}

	/** The most permits ever held at once. */
	public synchronized int maxInUse() {
		return this.maxInUse;
	}

	/** Acquirers waiting for a permit. */
	public synchronized int waiting() {
		return this.waiters.get(Lane.INTERACTIVE).size() + this.waiters.get(Lane.BULK).size();
	}

	/** Acquirers of {@code lane} waiting for a permit. */
	public synchronized int waiting(Lane lane) {
		return this.waiters.get(lane).size();
	}

	private void release(Lane lane) {
		List<Grant> admitted;
		synchronized (this) {
			this.inUse.merge(lane, -1, Integer::sum);
			admitted = admitWaiters();
		}
		admitted.forEach(Grant::hand);
	}

	/** Hands out free permits as long as tasks wait. Holds the lock. */
	private List<Grant> admitWaiters() {
		List<Grant> admitted = new ArrayList<>();
		Lane next;
		while (inUse() < this.limit && (next = nextLane()) != null) {
			admitted.add(new Grant(this.waiters.get(next).poll(), grant(next)));
		}
		return admitted;
	}

	/**
	 * The lane the next free permit goes to: one below its share first, interactive
	 * first; {@code null} if no task waits. Holds the lock.
	 */
	private Lane nextLane() {
		for (Lane lane : Lane.values()) {
			if (!this.waiters.get(lane).isEmpty() && this.inUse.get(lane) < share(lane)) {
				return lane;
			}
		}
		for (Lane lane : Lane.values()) {
			if (!this.waiters.get(lane).isEmpty()) {
				return lane;
			}
		}
		return null;
	}

	private int share(Lane lane) {
		return (lane == Lane.INTERACTIVE) ? this.reserved : this.limit - this.reserved;
	}

	private Permit grant(Lane lane) {
		this.inUse.merge(lane, 1, Integer::sum);
		this.maxInUse = Math.max(this.maxInUse, inUse());
		return new Permit(lane);
	}

	/**
	 * A permit for a waiter, completed outside the lock: the waiter's continuation (the
	 * next invocation) runs on the releasing thread. A waiter that gave up (its future
	 * was cancelled) gives the permit straight back.
	 */
	private record Grant(CompletableFuture<Permit> waiter, Permit permit) {

		void hand() {
			if (!this.waiter.complete(this.permit)) {
				this.permit.release();
			}
		}

	}

	/**
	 * The right to run one task. Release it exactly once; further calls do nothing.
	 */
	public final class Permit {

		private final Lane lane;

		private final AtomicBoolean released = new AtomicBoolean();

		private Permit(Lane lane) {
			this.lane = lane;
		}

		public void release() {
			if (this.released.compareAndSet(false, true)) {
				ConcurrencyLimiter.this.release(this.lane);
			}
		}

	}

}
