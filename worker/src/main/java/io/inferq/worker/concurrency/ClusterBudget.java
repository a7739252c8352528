package io.inferq.worker.concurrency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.inferq.concurrent.Futures;
import io.inferq.worker.concurrency.Budget.Share;
import io.inferq.worker.concurrency.BudgetStore.Change;
import io.inferq.worker.concurrency.ShareAllocation.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's share of its endpoint's cluster-wide budget, and the
 * {@link LimitAuthority} of its {@link LaneLimiter}: the limiter's limit is the share.
 * <p>
 * The protocol, over one {@link Budget} record per endpoint in DynamoDB:
 * <ul>
 * <li><b>Shares.</b> Every worker holds a share ({@code held}); the shares together never
 * exceed the limit, because the only write that raises a share is a versioned one that
 * checks the sum against the record it read. A worker never has more requests outstanding
 * than its share, so the cluster never has more than the limit.</li>
 * <li><b>Division.</b> Every write carries the writer's demand (requests in flight plus
 * waiting, per lane), and every write answers the whole record, so each worker computes
 * the same {@link ShareAllocation division} of the limit. A worker below its target takes
 * free permits; a worker above it lowers its own limit at once and gives the surplus back
 * once its requests in flight fit, but only when another worker wants it or the limit
 * shrank, so shares stay put while demand does.</li>
 * <li><b>Leases.</b> Every write of a share changes its renewal token; a worker renews at
 * least every heartbeat. It may start requests only until its last successful write's
 * send time plus the share lease, by its own monotonic clock: a worker that cannot renew
 * (paused, cut off) stops starting requests. Others judge a share by how long they have
 * seen the same token on their own monotonic clocks (never by comparing wall clocks) and
 * reclaim it, conditionally on that token, only after the share lease <i>plus the
 * invocation timeout</i>: an endpoint keeps working on a request after its caller dies,
 * and the dead worker's last requests (sent before its lease lapsed) are answered or
 * abandoned by then.</li>
 * <li><b>Leader.</b> One worker leads: it reads the endpoint's capacity every refresh
 * interval and writes it (the limit follows it), and raises the limit by one each quiet
 * interval after an overload cut it ({@link AimdLimit}), waiting twice as long after each
 * raise that was cut back. Any worker takes the lead when the leader's share is
 * gone.</li>
 * <li><b>Overload.</b> A request dropped for overload cuts the limit, once per limit
 * epoch: only requests started under the current limit count.</li>
 * </ul>
 * All protocol work runs on one thread of its own, one write at a time; the limiter's
 * threads only read volatile fields ({@link #mayStart()}, {@link #generation()}) or ask
 * for a tick.
 */
public final class ClusterBudget implements LimitAuthority, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ClusterBudget.class);

	/** How soon a worker below its target looks again for permits others gave back. */
	private static final long UNMET_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	/** How soon a failed write is tried again. */
	private static final long FAILURE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/**
	 * Added to a reclaim's wait, for monotonic clocks that run at slightly other rates.
	 */
	private static final long CLOCK_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** The most a failed raise of the limit doubles the wait for the next. */
	private static final int MAX_PROBE_DOUBLINGS = 4;

	/** How long a stopping worker waits to give its share back. */
	private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(5);

	private final BudgetStore store;

	private final CapacitySource capacitySource;

	private final Settings settings;

	private final String worker;

	private final LongSupplier nanoTime;

	private final ScheduledExecutorService executor;

	private final AtomicBoolean tickRequested = new AtomicBoolean();

	private final List<Runnable> allowanceListeners = new CopyOnWriteArrayList<>();

	private LaneLimiter limiter;

	/** The budget as last seen; written on the executor's thread only. */
	private volatile Budget view;

	// Confined to the executor's thread.

	private boolean writing;

	private boolean tickAgain;

	private final Map<String, Observed> observed = new HashMap<>();

	private long epochSeenNanos;

	private long lastWriteNanos;

	private boolean capacityReading;

	private long capacityReadNanos;

	private boolean capacityEverRead;

	private Integer capacityRead;

	private long droppedEpoch = -1;

	/** The limit as last seen, to tell a cut from a raise when the epoch moves. */
	private int lastLimit = -1;

	/** Whether the leader's last raise of the limit has not been cut yet. */
	private boolean probing;

	/** Raises of the limit that were cut back in a row: each doubles the next wait. */
	private int failedProbes;

	private int lastCapacity = -1;

	private int failures;

	private long lastAttemptNanos;

	private ScheduledFuture<?> scheduled;

	private int reportedInteractive = -1;

	private int reportedBulk = -1;

	// Read from any thread.

	private volatile long validUntilNanos;

	private volatile boolean holdsShare;

	private volatile long generation;

	private volatile int allowance = 1;

	private volatile boolean closed;

	/**
	 * @param worker this worker's ID, unique among the workers (a new one per process)
	 */
	public ClusterBudget(BudgetStore store, CapacitySource capacitySource, Settings settings, String worker) {
		this(store, capacitySource, settings, worker, System::nanoTime);
	}

	ClusterBudget(BudgetStore store, CapacitySource capacitySource, Settings settings, String worker,
			LongSupplier nanoTime) {
		this.store = store;
		this.capacitySource = capacitySource;
		this.settings = settings;
		this.worker = worker;
		this.nanoTime = nanoTime;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inferq-budget");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Starts holding a share for {@code limiter}, whose limit this budget sets from now
	 * on; the limiter should have been built with this budget as its authority.
	 */
	public void start(LaneLimiter limiter) {
		this.limiter = Objects.requireNonNull(limiter, "limiter");
		requestTick();
	}

	@Override
	public boolean mayStart() {
		return this.holdsShare && this.nanoTime.getAsLong() - this.validUntilNanos < 0;
	}

	@Override
	public long generation() {
		return this.generation;
	}

	@Override
	public void dropped(long generation) {
		if (this.settings.adaptive()) {
			this.executor.execute(() -> {
				this.droppedEpoch = Math.max(this.droppedEpoch, generation);
				tick();
			});
		}
	}

	@Override
	public void demandChanged() {
		requestTick();
	}

	/**
	 * How many messages of one lane this worker may hold (waiting or running): its share,
	 * or its fair part of the limit if that is more (so that a worker with a small share
	 * can still show its demand), plus the prefetch.
	 */
	public int messagesWanted() {
		return this.allowance;
	}

	/** Calls {@code listener} whenever {@link #messagesWanted()} may have changed. */
	public void onAllowanceChange(Runnable listener) {
		this.allowanceListeners.add(listener);
	}

	/** This worker's ID in the budget. */
	public String worker() {
		return this.worker;
	}

	/** The budget as last seen, if any. */
	public Optional<Budget> view() {
		return Optional.ofNullable(this.view);
	}

	/**
	 * Gives the share back so that other workers can take it at once; call after the last
	 * request of this worker ended.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.holdsShare = false;
		try {
			this.executor.submit(() -> {
				if (this.scheduled != null) {
					this.scheduled.cancel(false);
				}
			}).get(1, TimeUnit.SECONDS);
			this.store.remove(this.settings.key(), this.worker, null)
				.get(LEAVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Worker {} gave its share of budget {} back", this.worker, this.settings.key());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("Worker {} could not give its share of budget {} back; others reclaim it when its lease "
					+ "lapses: {}", this.worker, this.settings.key(), ex.toString());
		}
		finally {
			this.executor.shutdownNow();
		}
	}

	private void requestTick() {
		if (!this.closed && this.tickRequested.compareAndSet(false, true)) {
			this.executor.execute(this::tick);
		}
	}

	private void tick() {
		this.tickRequested.set(false);
		if (this.closed || this.limiter == null) {
			return;
		}
		if (this.writing) {
			this.tickAgain = true;
			return;
		}
		long now = this.nanoTime.getAsLong();
		Write next = (this.failures > 0 && now - this.lastAttemptNanos < FAILURE_RETRY_NANOS) ? null : nextWrite(now);
		if (next == null) {
			updateLocalLimit();
			scheduleNext(now);
			return;
		}
		this.writing = true;
		this.lastAttemptNanos = now;
		CompletableFuture<Budget> call;
		try {
			call = next.call().get();
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		call.whenCompleteAsync((budget, failure) -> written(next, now, budget, failure), this.executor);
	}

	/** The one write this worker should make now, or {@code null} for none. */
	private Write nextWrite(long now) {
		String key = this.settings.key();
		Share mine = (this.view != null) ? this.view.shares().get(this.worker) : null;
		int interactive = this.limiter.demand(Lane.INTERACTIVE);
		int bulk = this.limiter.demand(Lane.BULK);
		if (mine == null) {
			return new Write("join", true, () -> this.store.join(key, this.worker, share(0, interactive, bulk),
					(this.capacityRead != null) ? this.capacityRead : 0));
		}
		Budget budget = this.view;
		if (!budget.isLedBy(this.worker)) {
			this.capacityRead = null;
			this.capacityEverRead = false;
		}
		if (this.droppedEpoch != budget.limitEpoch()) {
			// Dropped under an older limit: that limit was cut already.
			this.droppedEpoch = -1;
		}
		else if (budget.limit() > 1) {
			// Kept until the cut is written: the epoch then moves on.
			int cut = AimdLimit.decrease(budget.limit());
			logger.info("Endpoint overloaded: cutting budget {} limit {} -> {}", key, budget.limit(), cut);
			return versioned("decrease", mine.held(), interactive, bulk, Change.limit(cut));
		}
		for (Map.Entry<String, Observed> other : this.observed.entrySet()) {
			if (now - other.getValue().sinceNanos() >= reclaimAfterNanos()) {
				String lapsed = other.getKey();
				String renewal = other.getValue().renewal();
				logger.info("Worker {} has not renewed its share of budget {} for {}; reclaiming it", lapsed, key,
						Duration.ofNanos(now - other.getValue().sinceNanos()));
				return new Write("reclaim", false,
						() -> this.store.remove(key, lapsed, renewal).thenApply((after) -> after.orElse(null)));
			}
		}
		if (budget.isLeaderless()) {
			return versioned("lead", mine.held(), interactive, bulk, Change.leader(this.worker));
		}
		if (budget.isLedBy(this.worker)) {
			Write lead = leaderWrite(now, budget, mine, interactive, bulk);
			if (lead != null) {
				return lead;
			}
		}
		Map<String, Target> targets = targets(budget, interactive, bulk);
		int target = targets.get(this.worker).total();
		int held = mine.held();
		if (target > held) {
			int free = budget.limit() - budget.totalHeld();
			if (free > 0) {
				return versioned("acquire", held + Math.min(free, target - held), interactive, bulk, Change.NONE);
			}
			if ((interactive != this.reportedInteractive || bulk != this.reportedBulk)
					&& now - this.lastWriteNanos >= UNMET_POLL_NANOS) {
				return putShare("demand", held, interactive, bulk);
			}
		}
		if (held > target && mustRelease(budget, targets) && this.limiter.inUse() <= target) {
			return putShare("release", target, interactive, bulk);
		}
		if (now - this.lastWriteNanos >= heartbeatNanos(held, interactive + bulk)) {
			return putShare("renew", held, interactive, bulk);
		}
		return null;
	}

	private Write leaderWrite(long now, Budget budget, Share mine, int interactive, int bulk) {
		if (this.capacityRead != null && this.capacityRead != budget.capacity()) {
			int capacity = this.capacityRead;
			logger.info("Endpoint capacity {} -> {}: budget {} limit {} -> {}", budget.capacity(), capacity,
					this.settings.key(), budget.limit(), capacity);
			return versioned("capacity", mine.held(), interactive, bulk, Change.capacity(capacity, capacity));
		}
		if (!this.capacityReading
				&& (!this.capacityEverRead || now - this.capacityReadNanos >= this.settings.refresh().toNanos())) {
			readCapacity(now);
		}
		if (this.settings.adaptive() && budget.limit() < budget.capacity()
				&& now - this.epochSeenNanos >= increaseIntervalNanos()) {
			int raised = AimdLimit.increase(budget.limit(), budget.capacity());
			if (this.probing) {
				// The last raise held for a whole interval: the endpoint took it.
				this.failedProbes = 0;
			}
			this.probing = true;
			logger.debug("Budget {} quiet: limit {} -> {}", this.settings.key(), budget.limit(), raised);
			return versioned("increase", mine.held(), interactive, bulk, Change.limit(raised));
		}
		return null;
	}

	private void readCapacity(long now) {
		this.capacityReading = true;
		this.capacityReadNanos = now;
		CompletableFuture<Integer> read;
		try {
			read = this.capacitySource.capacity();
		}
		catch (RuntimeException ex) {
			read = CompletableFuture.failedFuture(ex);
		}
		read.whenCompleteAsync((capacity, failure) -> {
			this.capacityReading = false;
			this.capacityEverRead = true;
			if (failure != null) {
				logger.warn("Could not read the endpoint's capacity; keeping {}: {}",
						(this.view != null) ? this.view.capacity() : "none", Futures.unwrap(failure).toString());
			}
			else {
				this.capacityRead = Math.max(capacity, 0);
			}
			tick();
		}, this.executor);
	}

	private void written(Write write, long sentNanos, Budget budget, Throwable failure) {
		this.writing = false;
		Throwable cause = (failure != null) ? Futures.unwrap(failure) : null;
		boolean again = this.tickAgain;
		this.tickAgain = false;
		if (cause == null) {
			this.failures = 0;
			if (write.renewsShare()) {
				this.lastWriteNanos = sentNanos;
				this.validUntilNanos = sentNanos + this.settings.shareLease().toNanos();
			}
			apply(budget);
			again = true;
		}
		else if (cause instanceof StaleBudgetException stale) {
			apply(stale.current());
			again = true;
		}
		else if (cause instanceof ShareLostException) {
			logger.warn("Worker {} lost its share of budget {} (its lease lapsed and another worker reclaimed it);"
					+ " starting nothing until it joins again", this.worker, this.settings.key());
			this.holdsShare = false;
			this.view = null;
			again = true;
		}
		else {
			if (this.failures++ % 20 == 0) {
				logger.warn("Budget {}: {} failed (failure {} in a row); may start requests for {} more ms: {}",
						this.settings.key(), write.what(), this.failures,
						Math.max(0, TimeUnit.NANOSECONDS.toMillis(this.validUntilNanos - this.nanoTime.getAsLong())),
						cause.toString());
			}
		}
		updateLocalLimit();
		if (again && this.failures == 0) {
			tick();
		}
		else {
			scheduleNext(this.nanoTime.getAsLong());
		}
	}

	/** Takes {@code budget} as the current view; {@code null} means there is none. */
	private void apply(Budget budget) {
		long now = this.nanoTime.getAsLong();
		this.view = budget;
		if (budget == null) {
			this.holdsShare = false;
			return;
		}
		Share mine = budget.shares().get(this.worker);
		this.holdsShare = mine != null;
		if (mine != null) {
			this.reportedInteractive = mine.interactiveDemand();
			this.reportedBulk = mine.bulkDemand();
		}
		budget.shares().forEach((other, share) -> {
			if (!other.equals(this.worker)) {
				Observed seen = this.observed.get(other);
				if (seen == null || !seen.renewal().equals(share.renewal())) {
					this.observed.put(other, new Observed(share.renewal(), now));
				}
			}
		});
		this.observed.keySet().retainAll(budget.shares().keySet());
		if (budget.limitEpoch() != this.generation || this.epochSeenNanos == 0) {
			if (this.probing && budget.limit() < this.lastLimit) {
				// A raise was cut back: wait twice as long before the next one.
				this.probing = false;
				this.failedProbes = Math.min(this.failedProbes + 1, MAX_PROBE_DOUBLINGS);
			}
			if (budget.capacity() != this.lastCapacity) {
				this.failedProbes = 0;
				this.lastCapacity = budget.capacity();
			}
			this.generation = budget.limitEpoch();
			this.epochSeenNanos = now;
		}
		this.lastLimit = budget.limit();
	}

	/**
	 * Sets the limiter's limit: the share, lowered to the target at once when the surplus
	 * is to be given back; and what the listener containers may hold.
	 */
	private void updateLocalLimit() {
		Budget budget = this.view;
		Share mine = (budget != null) ? budget.shares().get(this.worker) : null;
		if (mine == null) {
			this.limiter.setLimit(0, 0);
			setAllowance(1);
			return;
		}
		Map<String, Target> targets = targets(budget, this.limiter.demand(Lane.INTERACTIVE),
				this.limiter.demand(Lane.BULK));
		Target target = targets.get(this.worker);
		int limit = (mine.held() > target.total() && mustRelease(budget, targets)) ? target.total() : mine.held();
		this.limiter.setLimit(limit, Math.min(limit, target.interactive()));
		int fairPart = (budget.limit() + budget.shares().size() - 1) / Math.max(1, budget.shares().size());
		int wanted = Math.max(mine.held(), fairPart);
		int prefetch = (this.settings.prefetch() != null) ? this.settings.prefetch() : Math.max(1, wanted);
		setAllowance(Math.max(1, wanted + prefetch));
	}

	private void setAllowance(int wanted) {
		if (wanted != this.allowance) {
			this.allowance = wanted;
			this.allowanceListeners.forEach(Runnable::run);
		}
	}

	private void scheduleNext(long now) {
		if (this.closed) {
			return;
		}
		long delay;
		Share mine = (this.view != null) ? this.view.shares().get(this.worker) : null;
		if (this.failures > 0 || mine == null) {
			delay = FAILURE_RETRY_NANOS;
		}
		else {
			int interactive = this.limiter.demand(Lane.INTERACTIVE);
			int bulk = this.limiter.demand(Lane.BULK);
			delay = heartbeatNanos(mine.held(), interactive + bulk) - (now - this.lastWriteNanos);
			if (targets(this.view, interactive, bulk).get(this.worker).total() > mine.held()) {
				delay = Math.min(delay, UNMET_POLL_NANOS);
			}
			for (Observed other : this.observed.values()) {
				delay = Math.min(delay, reclaimAfterNanos() - (now - other.sinceNanos()));
			}
			if (this.view.isLedBy(this.worker)) {
				delay = Math.min(delay, this.settings.refresh().toNanos() - (now - this.capacityReadNanos));
				if (this.settings.adaptive() && this.view.limit() < this.view.capacity()) {
					delay = Math.min(delay, increaseIntervalNanos() - (now - this.epochSeenNanos));
				}
			}
		}
		if (this.scheduled != null) {
			this.scheduled.cancel(false);
		}
		this.scheduled = this.executor.schedule(this::tick, Math.max(delay, TimeUnit.MILLISECONDS.toNanos(1)),
				TimeUnit.NANOSECONDS);
	}

	private Map<String, Target> targets(Budget budget, int interactive, int bulk) {
		Map<String, Share> shares = new HashMap<>(budget.shares());
		shares.computeIfPresent(this.worker,
				(self, share) -> new Share(share.held(), share.renewal(), interactive, bulk));
		int reserved = (int) Math.ceil(this.settings.interactiveShare() * budget.limit());
		return ShareAllocation.divide(budget.limit(), reserved, shares);
	}

	/**
	 * Whether a share above its target must be given back: the shares exceed the limit
	 * (it shrank), or another worker is below its target.
	 */
	private boolean mustRelease(Budget budget, Map<String, Target> targets) {
		if (budget.totalHeld() > budget.limit()) {
			return true;
		}
		List<String> wanting = new ArrayList<>();
		budget.shares().forEach((other, share) -> {
			if (!other.equals(this.worker) && targets.get(other).total() > share.held()) {
				wanting.add(other);
			}
		});
		return !wanting.isEmpty();
	}

	private long heartbeatNanos(int held, int demand) {
		return ((held > 0 || demand > 0) ? this.settings.busyHeartbeat() : this.settings.idleHeartbeat()).toNanos();
	}

	/**
	 * How long the limit must stay uncut before the leader raises it: the configured
	 * interval, doubled for each raise in a row that overloaded the endpoint, so that a
	 * limit just below what the endpoint serves touches it ever more rarely.
	 */
	private long increaseIntervalNanos() {
		return this.settings.increaseInterval().toNanos() << this.failedProbes;
	}

	private long reclaimAfterNanos() {
		return this.settings.shareLease().toNanos() + this.settings.invocationTimeout().toNanos() + CLOCK_MARGIN_NANOS;
	}

	private Write versioned(String what, int held, int interactive, int bulk, Change change) {
		long version = this.view.version();
		return new Write(what, true, () -> this.store.change(this.settings.key(), version, this.worker,
				share(held, interactive, bulk), change));
	}

	private Write putShare(String what, int held, int interactive, int bulk) {
		return new Write(what, true,
				() -> this.store.putShare(this.settings.key(), this.worker, share(held, interactive, bulk)));
	}

	private Share share(int held, int interactive, int bulk) {
		return new Share(held, Long.toHexString(ThreadLocalRandom.current().nextLong()), interactive, bulk,
				this.limiter.pace());
	}

	/**
	 * One write of the budget.
	 *
	 * @param what what it does, for logs
	 * @param renewsShare whether it writes this worker's share (and so renews its lease)
	 * @param call the write
	 */
	private record Write(String what, boolean renewsShare, Supplier<CompletableFuture<Budget>> call) {

	}

	/** Another worker's renewal token, and when this worker first saw it. */
	private record Observed(String renewal, long sinceNanos) {

	}

	/**
	 * How a worker takes part in a budget.
	 *
	 * @param key the budget's key: one per endpoint and variant
	 * @param shareLease how long a worker may start requests after its last successful
	 * write of its share
	 * @param busyHeartbeat how often a worker with a share or demand renews it
	 * @param idleHeartbeat how often an idle worker renews its share
	 * @param invocationTimeout the longest a request may stay outstanding at the endpoint
	 * after it was sent (at least the endpoint's own time limit, 60 s on SageMaker)
	 * @param refresh how often the leader reads the endpoint's capacity
	 * @param increaseInterval how long the limit must stay uncut before the leader raises
	 * it by one
	 * @param interactiveShare the interactive lane's share of the limit, 0 to 1
	 * @param adaptive whether overloads cut the limit
	 * @param prefetch messages held beyond a worker's share, per lane, or {@code null}
	 * for as many as the share
	 */
	public record Settings(String key, Duration shareLease, Duration busyHeartbeat, Duration idleHeartbeat,
			Duration invocationTimeout, Duration refresh, Duration increaseInterval, double interactiveShare,
			boolean adaptive, Integer prefetch) {

		public Settings {
			Objects.requireNonNull(key, "key");
			if (busyHeartbeat.multipliedBy(2).compareTo(shareLease) > 0
					|| idleHeartbeat.multipliedBy(2).compareTo(shareLease) > 0) {
				throw new IllegalArgumentException(
						"The share lease (" + shareLease + ") must be at least twice each heartbeat (" + busyHeartbeat
								+ ", " + idleHeartbeat + "), so that one lost renewal does not stop a worker");
			}
		}

	}

}
