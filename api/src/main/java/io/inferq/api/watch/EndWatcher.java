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
 *
 * @param <K> the key of what is waited for
 * @param <V> what it is once ended
 */
final class EndWatcher<K, V> {

	private static final Logger logger = LoggerFactory.getLogger(EndWatcher.class);

	/**
	 * Tells which of some keys have ended. Non-blocking; a failure leaves every waiter
	 * waiting (until its own time is up).
	 */
	interface Probe<K, V> {

		/** The most keys one call of {@link #ended} takes. */
		int maxKeys();

		/** Those of {@code keys} that have ended, as they ended. */
		CompletableFuture<Map<K, V>> ended(List<K> keys);

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

	EndWatcher(String what, Probe<K, V> probe, ScheduledExecutorService scheduler, Duration interval, int maxWaiters) {
		this.what = what;
		this.probe = probe;
		this.scheduler = scheduler;
		this.maxWaiters = maxWaiters;
		this.pauseNanos = interval.toNanos() / 4;
		scheduler.scheduleAtFixedRate(this::tick, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
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
		this.waiters.computeIfAbsent(key, (absent) -> ConcurrentHashMap.newKeySet()).add(waiter);
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
		return waiter;
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
		if (this.waiters.isEmpty()) {
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
		List<K> keys = new ArrayList<>(this.waiters.keySet());
		List<CompletableFuture<Void>> calls = new ArrayList<>();
		for (int from = 0; from < keys.size(); from += this.probe.maxKeys()) {
			List<K> chunk = keys.subList(from, Math.min(keys.size(), from + this.probe.maxKeys()));
			CompletableFuture<Map<K, V>> call;
			try {
				call = this.probe.ended(List.copyOf(chunk));
			}
			catch (RuntimeException ex) {
				call = CompletableFuture.failedFuture(ex);
			}
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
