package io.inferq.worker.concurrency;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * This worker's permits, shared by two lanes, handed out without blocking a thread:
 * {@link #acquire(Lane)} returns a future that completes with a {@link Permit} as soon as
 * one is free. The limit is set from outside ({@link #setLimit}): by the cluster-wide
 * budget this worker holds a share of, through its {@link LimitAuthority}, which may also
 * stop all starts for a while ({@link LimitAuthority#mayStart()}).
 * <p>
 * {@code reserved} permits are the {@link Lane#INTERACTIVE interactive} lane's share, the
 * rest the {@link Lane#BULK bulk} lane's. A lane may borrow what the other does not use,
 * so no permit is ever idle while a task waits; a permit that comes back goes to the lane
 * that is below its share and has waiters, interactive first, and within a lane to the
 * longest-waiting task of the tenant whose turn it is: tenants share a lane's permits by
 * weight ({@link TenantQueue}).
 * <p>
 * Raising the limit admits waiters at once; lowering it lets running tasks finish and
 * admits no one until the count falls below the new limit.
 */
public class LaneLimiter implements Limiter {

	private final Map<Lane, TenantQueue<CompletableFuture<Permit>>> waiters = new EnumMap<>(Lane.class);

	private final Map<Lane, Integer> inUse = new EnumMap<>(Lane.class);

	private final LimitAuthority authority;

	private final double interactiveShare;

	private int limit;

	private int reserved;

	private int maxInUse;

	/**
	 * A limiter on its own, without a share for interactive tasks.
	 */
	private final PaceMeter pace = new PaceMeter(System::nanoTime);

	public LaneLimiter(int limit) {
		this(LimitAuthority.NONE, limit, 0);
	}

	/**
	 * @param authority what stands behind the limit
	 * @param limit the limit at start; 0 admits no one
	 * @param interactiveShare the share of the limit, from 0 to 1, for interactive tasks
	 * (rounded up to whole permits) when {@link #setLimit(int)} is given no share
	 */
	public LaneLimiter(LimitAuthority authority, int limit, double interactiveShare) {
		this(authority, limit, interactiveShare, (tenant) -> 1.0);
	}

	/**
	 * @param authority what stands behind the limit
	 * @param limit the limit at start; 0 admits no one
	 * @param interactiveShare the share of the limit, from 0 to 1, for interactive tasks
	 * (rounded up to whole permits) when {@link #setLimit(int)} is given no share
	 * @param tenantWeights each tenant's weight within a lane, above 0: the permits a
	 * lane hands out go to the tenants waiting in it in proportion
	 */
	public LaneLimiter(LimitAuthority authority, int limit, double interactiveShare,
			ToDoubleFunction<String> tenantWeights) {
		if (interactiveShare < 0 || interactiveShare > 1) {
			throw new IllegalArgumentException(
					"The interactive share must be between 0 and 1, not " + interactiveShare);
		}
		this.authority = authority;
		this.interactiveShare = interactiveShare;
		for (Lane lane : Lane.values()) {
			this.waiters.put(lane, new TenantQueue<>(tenantWeights));
			this.inUse.put(lane, 0);
		}
		setLimit(limit);
	}

	/**
	 * Runs {@code task} once a permit of {@code lane} is free and ends the permit with
	 * {@link Permit#onSuccess()} when the task's future completes, whatever the outcome,
	 * including a task that throws instead of returning a future.
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
			return result.whenComplete((value, failure) -> permit.onSuccess());
		});
	}

	@Override
	public CompletableFuture<Permit> acquire(Lane lane, String tenant) {
		CompletableFuture<Permit> waiter;
		synchronized (this) {
			// A free permit means no task of either lane waits (see admitWaiters).
			if (this.waiters.get(lane).isEmpty() && mayGrant()) {
				return CompletableFuture.completedFuture(grant(lane));
			}
			waiter = new CompletableFuture<>();
			this.waiters.get(lane).add(tenant, waiter);
		}
		this.authority.demandChanged();
		return waiter;
	}

	/**
	 * Changes the limit, the interactive lane's share following the configured share;
	 * waiters that now fit are admitted at once.
	 */
	public void setLimit(int newLimit) {
		setLimit(newLimit, (int) Math.ceil(this.interactiveShare * newLimit));
	}

	/**
	 * Changes the limit and the interactive lane's share of it (at most the limit);
	 * waiters that now fit are admitted at once.
	 */
	public void setLimit(int newLimit, int newReserved) {
		if (newLimit < 0 || newReserved < 0) {
			throw new IllegalArgumentException("The concurrency limit and its reserved share must not be negative, not "
					+ newLimit + " and " + newReserved);
		}
		List<Grant> admitted;
		synchronized (this) {
			this.limit = newLimit;
			this.reserved = Math.min(newLimit, newReserved);
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

	/** How fast this limiter's permits end in success, per lane. */
	io.inferq.pace.WorkerPace pace() {
		return this.pace.pace();
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

	/** Permits in use plus acquirers waiting in {@code lane}: what the lane asks for. */
	public synchronized int demand(Lane lane) {
		return this.inUse.get(lane) + this.waiters.get(lane).size();
	}

	private void release(Lane lane) {
		List<Grant> admitted;
		synchronized (this) {
			this.inUse.merge(lane, -1, Integer::sum);
			admitted = admitWaiters();
		}
		admitted.forEach(Grant::hand);
		this.authority.demandChanged();
	}

	private boolean mayGrant() {
		return inUse() < this.limit && this.authority.mayStart();
	}

	/** Hands out free permits as long as tasks wait. Holds the lock. */
	private List<Grant> admitWaiters() {
		List<Grant> admitted = new ArrayList<>();
		Lane next;
		while (mayGrant() && (next = nextLane()) != null) {
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
		return new LanePermit(lane, this.authority.generation());
	}

	/**
	 * A permit for a waiter, completed outside the lock: the waiter's continuation (the
	 * next invocation) runs on the releasing thread. A waiter that gave up (its future
	 * was cancelled) gives the permit straight back.
	 */
	private record Grant(CompletableFuture<Permit> waiter, Permit permit) {

		void hand() {
			if (!this.waiter.complete(this.permit)) {
				this.permit.onIgnore();
			}
		}

	}

	/**
	 * A permit of one lane, granted under one generation of the limit. Ended exactly
	 * once; further calls do nothing.
	 */
	private final class LanePermit implements Permit {

		private final Lane lane;

		private final long generation;

		private final long grantedNanos = System.nanoTime();

		private final AtomicBoolean ended = new AtomicBoolean();

		private LanePermit(Lane lane, long generation) {
			this.lane = lane;
			this.generation = generation;
		}

		@Override
		public Lane lane() {
			return this.lane;
		}

		@Override
		public boolean isValid() {
			return !this.ended.get() && LaneLimiter.this.authority.mayStart();
		}

		@Override
		public void onSuccess() {
			if (end()) {
				LaneLimiter.this.pace.ended(this.lane, System.nanoTime() - this.grantedNanos);
			}
		}

		@Override
		public void onDropped() {
			if (end()) {
				LaneLimiter.this.authority.dropped(this.generation);
			}
		}

		@Override
		public void onIgnore() {
			end();
		}

		private boolean end() {
			if (this.ended.compareAndSet(false, true)) {
				LaneLimiter.this.release(this.lane);
				return true;
			}
			return false;
		}

	}

}
