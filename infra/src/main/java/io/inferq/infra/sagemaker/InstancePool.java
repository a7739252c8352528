package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The instances of one endpoint, each with {@code concurrency} slots, and the invocations
 * waiting for a slot, first come first served. Of the instances the endpoint describes,
 * at most {@code servedLimit} serve; only those exist here. Tracks how busy each instance
 * was.
 * <p>
 * Every acquired {@link Lease} must be released exactly once, whatever happened to the
 * invocation; releasing twice is harmless. Waiting never blocks a thread: a waiter holds
 * a future that a release completes, and cancelling that future gives up its place.
 * Critical sections are short; futures are completed outside the lock.
 */
final class InstancePool {

	private final int concurrency;

	/** At most this many instances serve, whatever the endpoint describes. */
	private final int servedLimit;

	/**
	 * Every serving instance since the last reset; indexes are stable, inactive ones
	 * drain.
	 */
	private final List<Instance> instances = new ArrayList<>();

	private final Deque<CompletableFuture<Lease>> waiters = new ArrayDeque<>();

	/** The instances the endpoint describes. */
	private int instanceCount;

	/** The instances that serve: {@code min(instanceCount, servedLimit)}. */
	private int activeCount;

	private int inFlight;

	private int maxInFlight;

	private Instant firstStartedAt;

	private Instant lastEndedAt;

	private Instant lastStartedAt;

	/** The instances' busy time summed up to {@link #lastStartedAt}. */
	private long busyNanosAtLastStart;

	/**
	 * @param servedInstances how many instances serve at most, or {@code null} for all
	 */
	InstancePool(int instanceCount, Integer servedInstances, int concurrency) {
		this.concurrency = concurrency;
		this.servedLimit = (servedInstances != null) ? servedInstances : Integer.MAX_VALUE;
		resize(instanceCount);
	}

	/**
	 * A lease on the least busy active instance, at once if one is free and nobody waits,
	 * otherwise when a slot frees up for this waiter. Cancel the future to stop waiting.
	 */
	CompletableFuture<Lease> acquire() {
		CompletableFuture<Lease> waiter = new CompletableFuture<>();
		synchronized (this) {
			Optional<Lease> lease = this.waiters.isEmpty() ? leaseFreeInstance() : Optional.empty();
			if (lease.isPresent()) {
				return CompletableFuture.completedFuture(lease.get());
			}
			this.waiters.add(waiter);
		}
		waiter.whenComplete((lease, failure) -> {
			if (failure != null) {
				giveUp(waiter);
			}
		});
		return waiter;
	}

	/** A lease on a free instance, or empty if every slot is taken or others wait. */
	synchronized Optional<Lease> tryAcquire() {
		return this.waiters.isEmpty() ? leaseFreeInstance() : Optional.empty();
	}

	/**
	 * Changes the number of instances described, and so of those that serve. New serving
	 * instances serve waiters at once; removed ones finish what they serve and take
	 * nothing new.
	 */
	void resize(int instanceCount) {
		List<Grant> grants;
		synchronized (this) {
			int serving = Math.min(instanceCount, this.servedLimit);
			while (this.instances.size() < serving) {
				this.instances.add(new Instance(this.instances.size()));
			}
			for (Instance instance : this.instances) {
				instance.active = instance.index < serving;
			}
			this.instanceCount = instanceCount;
			this.activeCount = serving;
			grants = grantWaiters();
		}
		grants.forEach(Grant::deliver);
	}

	/** The instances described, serving or not. */
	synchronized int instanceCount() {
		return this.instanceCount;
	}

	int concurrency() {
		return this.concurrency;
	}

	/** Forgets how busy the instances were; what is in flight now counts from now. */
	synchronized void resetOccupancy() {
		Instant now = Instant.now();
		long nanos = System.nanoTime();
		this.instances.removeIf((instance) -> !instance.active && instance.inFlight == 0);
		this.instances.forEach((instance) -> instance.reset(nanos));
		this.maxInFlight = this.inFlight;
		this.firstStartedAt = (this.inFlight > 0) ? now : null;
		this.lastEndedAt = null;
		this.lastStartedAt = this.firstStartedAt;
		this.busyNanosAtLastStart = 0;
	}

	/** How busy the instances have been, as of now. */
	synchronized Occupancy occupancy() {
		long nanos = System.nanoTime();
		Instant now = Instant.now();
		List<EndpointStats.InstanceStats> perInstance = this.instances.stream()
			.map((instance) -> instance.stats(nanos))
			.toList();
		double utilisation = 0;
		Instant windowEnd = (this.inFlight > 0) ? now : this.lastEndedAt;
		if (this.firstStartedAt != null && windowEnd != null && windowEnd.isAfter(this.firstStartedAt)) {
			long busyNanos = perInstance.stream().mapToLong((instance) -> instance.busyTime().toNanos()).sum();
			long windowNanos = Duration.between(this.firstStartedAt, windowEnd).toNanos();
			utilisation = (double) busyNanos / ((double) this.activeCount * windowNanos);
		}
		double utilisationWhileStarting = 0;
		if (this.firstStartedAt != null && this.lastStartedAt.isAfter(this.firstStartedAt)) {
			long windowNanos = Duration.between(this.firstStartedAt, this.lastStartedAt).toNanos();
			utilisationWhileStarting = (double) this.busyNanosAtLastStart / ((double) this.activeCount * windowNanos);
		}
		return new Occupancy(this.instanceCount, this.activeCount, this.inFlight, this.maxInFlight, this.waiters.size(),
				this.firstStartedAt, this.lastEndedAt, utilisation, this.lastStartedAt, utilisationWhileStarting,
				perInstance);
	}

	private void release(Lease lease) {
		List<Grant> grants;
		synchronized (this) {
			lease.instance.end(System.nanoTime());
			this.inFlight--;
			this.lastEndedAt = Instant.now();
			grants = grantWaiters();
		}
		grants.forEach(Grant::deliver);
	}

	private void giveUp(CompletableFuture<Lease> waiter) {
		synchronized (this) {
			this.waiters.remove(waiter);
		}
	}

	private List<Grant> grantWaiters() {
		List<Grant> grants = new ArrayList<>();
		while (!this.waiters.isEmpty()) {
			Optional<Lease> lease = leaseFreeInstance();
			if (lease.isEmpty()) {
				break;
			}
			grants.add(new Grant(this.waiters.poll(), lease.get()));
		}
		return grants;
	}

	private Optional<Lease> leaseFreeInstance() {
		return this.instances.stream()
			.filter((instance) -> instance.active && instance.inFlight < this.concurrency)
			.min(Comparator.comparingInt((Instance instance) -> instance.inFlight))
			.map((instance) -> {
				long nanos = System.nanoTime();
				instance.start(nanos);
				this.inFlight++;
				this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
				this.lastStartedAt = Instant.now();
				if (this.firstStartedAt == null) {
					this.firstStartedAt = this.lastStartedAt;
				}
				this.busyNanosAtLastStart = this.instances.stream().mapToLong((each) -> each.busyNanos(nanos)).sum();
				return new Lease(instance);
			});
	}

	/**
	 * A slot on one instance, held by one invocation until {@link #release()}.
	 */
	final class Lease {

		private final Instance instance;

		private final AtomicBoolean released = new AtomicBoolean();

		private Lease(Instance instance) {
			this.instance = instance;
		}

		/** The index of the instance, from 0. */
		int instance() {
			return this.instance.index;
		}

		/** Frees the slot for the next waiter; only the first call counts. */
		void release() {
			if (this.released.compareAndSet(false, true)) {
				InstancePool.this.release(this);
			}
		}

	}

	/** A lease handed to a waiter, delivered outside the lock. */
	private record Grant(CompletableFuture<Lease> waiter, Lease lease) {

		void deliver() {
			if (!this.waiter.complete(this.lease)) {
				// The waiter gave up (timed out or went away) in the meantime.
				this.lease.release();
			}
		}

	}

	/**
	 * The instances' occupancy at one moment; see {@link EndpointStats} for the fields.
	 */
	record Occupancy(int instanceCount, int servedInstances, int inFlight, int maxInFlight, int waiting,
			Instant firstStartedAt, Instant lastEndedAt, double utilisation, Instant lastStartedAt,
			double utilisationWhileStarting, List<EndpointStats.InstanceStats> instances) {

	}

	/** One instance: its slots in use and how long it has been busy. */
	private static final class Instance {

		private final int index;

		private boolean active;

		private int inFlight;

		private long invocations;

		private long busyNanos;

		private long busySince;

		Instance(int index) {
			this.index = index;
		}

		void start(long nanos) {
			if (this.inFlight++ == 0) {
				this.busySince = nanos;
			}
			this.invocations++;
		}

		void end(long nanos) {
			if (--this.inFlight == 0) {
				this.busyNanos += nanos - this.busySince;
			}
		}

		void reset(long nanos) {
			this.invocations = 0;
			this.busyNanos = 0;
			this.busySince = nanos;
		}

		long busyNanos(long nanos) {
			return this.busyNanos + ((this.inFlight > 0) ? nanos - this.busySince : 0);
		}

		EndpointStats.InstanceStats stats(long nanos) {
			long busy = busyNanos(nanos);
			return new EndpointStats.InstanceStats(this.index, this.active, this.inFlight, this.invocations,
					Duration.ofNanos(busy));
		}

	}

}
