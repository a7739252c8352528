package io.inferq.api.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.concurrent.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for things (jobs, batches) to end on behalf of many clients with one poll: every
 * {@code interval}, counted from the start of the previous poll, one thread gathers the
 * keys someone waits for and asks the {@link Probe} about them, at most
 * {@link Probe#maxKeys()} per call and all calls at once, so that the reads grow with the
 * number of distinct keys divided by that, not with the clients. A waiter is a future,
 * never a thread. Polls do not overlap: a poll still running when the next is due delays
 * it until a quarter interval after the running one is done, so that a slow store gets
 * room for other requests (on DynamoDB Local a write waits for the reads in flight). What
 * ended as this process itself saw (a cancel it made) can be told with {@link #ended} and
 * answers its waiters without a poll.
 * <p>
 * With a {@link Registrar}, the first client to wait for a key registers this process to
 * be told of its end, and {@link #told} answers them at once with one read of what ended;
 * the poll is then a safety net for ends nobody told, and can be slow. A key whose
 * registration is refused (it ended meanwhile) is read at once.
 *
 * @param <K> the key of what is waited for
 * @param <V> what it is once ended
 */
final class EndWatcher<K, V> {

	private static final Logger logger = LoggerFactory.getLogger(EndWatcher.class);

	/** The most reads of told ends in flight at once. */
	private static final int MAX_TOLD_READS = 4;

	/**
	 * Tells which of some keys have ended. Non-blocking; a failure leaves every waiter
	 * waiting (until its own time is up).
	 */
	interface Probe<K, V> {

		/** The most keys one call of {@link #ended} takes. */
		int maxKeys();

		/** Those of {@code keys} that have ended, as they ended. */
		CompletableFuture<Map<K, V>> ended(List<K> keys);

		/**
		 * Those of {@code keys}, told to have ended, that have, as they ended: one read
		 * where {@link #ended} may make two.
		 */
		default CompletableFuture<Map<K, V>> toldEnded(List<K> keys) {
			return ended(keys);
		}

	}

	/** Asks to be told when a key ends; see {@link #told}. */
	interface Registrar<K> {

		/**
		 * Completes with {@code true} once registered, {@code false} if the key ended (or
		 * is gone) already. Non-blocking.
		 */
		CompletableFuture<Boolean> register(K key);

	}

	private final String what;

	private final Probe<K, V> probe;

	private final ScheduledExecutorService scheduler;

	private final int maxWaiters;

	private final Map<K, Set<CompletableFuture<Optional<V>>>> waiters = new ConcurrentHashMap<>();

	private final AtomicInteger count = new AtomicInteger();

	private final AtomicBoolean polling = new AtomicBoolean();

	private final AtomicBoolean overdue = new AtomicBoolean();

	private final long pauseNanos;

	private final long tickNanos;

	private volatile Registrar<K> registrar;

	private volatile long intervalNanos;

	private volatile long lastPoll = System.nanoTime();

	private final Set<K> toldKeys = ConcurrentHashMap.newKeySet();

	private final AtomicInteger toldReads = new AtomicInteger();

	/**
	 * A watcher that polls every {@code interval} until {@link #tellWith} makes it
	 * registered and told.
	 */
	EndWatcher(String what, Probe<K, V> probe, ScheduledExecutorService scheduler, Duration interval, int maxWaiters) {
		this.what = what;
		this.probe = probe;
		this.scheduler = scheduler;
		this.maxWaiters = maxWaiters;
		this.tickNanos = interval.toNanos();
		this.intervalNanos = interval.toNanos();
		this.pauseNanos = interval.toNanos() / 4;
		scheduler.scheduleAtFixedRate(this::tick, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * From now on, registers the keys waited for with {@code registrar} (those waited for
	 * already at once) to be told of their ends ({@link #told}), and polls only every
	 * {@code interval} (at least the interval it was made with), as a safety net.
	 */
	void tellWith(Registrar<K> registrar, Duration interval) {
		this.registrar = registrar;
		this.intervalNanos = Math.max(this.tickNanos, interval.toNanos());
		List.copyOf(this.waiters.keySet()).forEach(this::register);
	}

	/**
	 * A future that completes with what {@code key} ended as once a poll sees it ended,
	 * or empty after {@code wait}.
	 * @throws WaitersExceededException if {@code maxWaiters} clients wait already, over
	 * this watcher and those sharing its limit
	 */
	CompletableFuture<Optional<V>> await(K key, Duration wait, AtomicInteger shared) {
		if (shared.incrementAndGet() > this.maxWaiters) {
			shared.decrementAndGet();
			throw new WaitersExceededException(this.maxWaiters);
		}
		CompletableFuture<Optional<V>> waiter = new CompletableFuture<>();
		this.count.incrementAndGet();
		boolean[] first = new boolean[1];
		this.waiters.computeIfAbsent(key, (absent) -> {
			first[0] = true;
			return ConcurrentHashMap.newKeySet();
		}).add(waiter);
		ScheduledFuture<?> timeout = this.scheduler.schedule(() -> waiter.complete(Optional.empty()), wait.toNanos(),
				TimeUnit.NANOSECONDS);
		waiter.whenComplete((ended, failure) -> {
			timeout.cancel(false);
			this.waiters.computeIfPresent(key, (present, set) -> {
				set.remove(waiter);
				return set.isEmpty() ? null : set;
			});
			this.count.decrementAndGet();
			shared.decrementAndGet();
		});
		if (first[0] && this.registrar != null) {
			register(key);
		}
		return waiter;
	}

	private void register(K key) {
		CompletableFuture<Boolean> registered = Futures.call(() -> this.registrar.register(key));
		registered.whenComplete((watching, failure) -> {
			if (failure != null) {
				logger.debug("Could not register to be told when {} {} ends; polling for it: {}", this.what, key,
						failure.toString());
			}
			else if (!watching) {
				told(List.of(key));
			}
		});
	}

	/**
	 * Answers the clients waiting for those of {@code keys} that did end, after a read of
	 * them: for ends this process was told of. Keys told while {@value #MAX_TOLD_READS}
	 * such reads are in flight wait for one to end and are then read together, up to
	 * {@link Probe#maxKeys()} at once: under load the reads grow with the ends divided by
	 * that, not with the ends.
	 */
	void told(List<K> keys) {
		for (K key : keys) {
			if (this.waiters.containsKey(key)) {
				this.toldKeys.add(key);
			}
		}
		readTold();
	}

	private void readTold() {
		while (!this.toldKeys.isEmpty()) {
			int reads = this.toldReads.get();
			if (reads >= MAX_TOLD_READS) {
				return;
			}
			if (!this.toldReads.compareAndSet(reads, reads + 1)) {
				continue;
			}
			List<K> chunk = new ArrayList<>();
			for (K key : this.toldKeys) {
				if (chunk.size() == this.probe.maxKeys()) {
					break;
				}
				if (this.toldKeys.remove(key)) {
					chunk.add(key);
				}
			}
			if (chunk.isEmpty()) {
				this.toldReads.decrementAndGet();
				continue;
			}
			CompletableFuture<Map<K, V>> read = Futures.call(() -> this.probe.toldEnded(chunk));
			read.whenComplete((ended, failure) -> {
				if (failure != null) {
					logger.debug("Could not read {} {}s told to have ended; the poll will: {}", chunk.size(), this.what,
							failure.toString());
				}
				else {
					ended.forEach(this::release);
				}
				this.toldReads.decrementAndGet();
				readTold();
			});
		}
	}

	/** Clients waiting now. */
	int waiting() {
		return this.count.get();
	}

	/**
	 * Answers the clients waiting for {@code key} with {@code value}, now: for an end
	 * this process made itself.
	 */
	void ended(K key, V value) {
		release(key, value);
	}

	private void tick() {
		// Half a tick early is due: ticks drift.
		if (this.waiters.isEmpty() || System.nanoTime() - this.lastPoll + this.tickNanos / 2 < this.intervalNanos) {
			return;
		}
		if (!this.polling.compareAndSet(false, true)) {
			this.overdue.set(true);
			return;
		}
		this.overdue.set(false);
		poll();
	}

	/** One poll; {@code polling} is held until it ends, or until the overdue one ends. */
	private void poll() {
		this.lastPoll = System.nanoTime();
		List<K> keys = new ArrayList<>(this.waiters.keySet());
		List<CompletableFuture<Void>> calls = new ArrayList<>();
		for (int from = 0; from < keys.size(); from += this.probe.maxKeys()) {
			List<K> chunk = keys.subList(from, Math.min(keys.size(), from + this.probe.maxKeys()));
			CompletableFuture<Map<K, V>> call = Futures.call(() -> this.probe.ended(List.copyOf(chunk)));
			calls.add(call.handle((ended, failure) -> {
				if (failure != null) {
					logger.debug("Could not read whether {} {}s ended; trying again at the next poll: {}", chunk.size(),
							this.what, failure.toString());
				}
				else {
					ended.forEach(this::release);
				}
				return null;
			}));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> next());
	}

	private void next() {
		if (this.overdue.getAndSet(false) && !this.waiters.isEmpty()) {
			try {
				this.scheduler.schedule(this::poll, this.pauseNanos, TimeUnit.NANOSECONDS);
				return;
			}
			catch (RejectedExecutionException ex) {
				// Shutting down.
			}
		}
		this.polling.set(false);
	}

	private void release(K key, V value) {
		Set<CompletableFuture<Optional<V>>> ended = this.waiters.get(key);
		if (ended != null) {
			Optional<V> answer = Optional.of(value);
			List.copyOf(ended).forEach((waiter) -> waiter.complete(answer));
		}
	}

}
