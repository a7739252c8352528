package io.inferq.worker.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.job.Job;
import io.inferq.stats.MinuteStats;
import io.inferq.stats.StatsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobStats} that counts in memory, per minute, and adds its counts to the
 * {@link StatsStore} every {@code interval} (one write per minute with counts, so one or
 * two per flush), then forgets them. Counts whose write failed are kept and added with
 * the next flush; counts older than {@link #KEPT} are dropped. Latency is from the job's
 * acceptance to its end, for succeeded and failed jobs.
 */
public class MinuteStatsRecorder implements JobStats, AutoCloseable {

	/** How long unwritten counts are kept for a later flush. */
	static final Duration KEPT = Duration.ofMinutes(30);

	private static final Logger logger = LoggerFactory.getLogger(MinuteStatsRecorder.class);

	private final StatsStore store;

	private final String endpoint;

	private final Clock clock;

	private final Map<Instant, Counts> pending = new HashMap<>();

	private ScheduledFuture<?> flushes;

	private volatile boolean registered;

	/**
	 * @param endpoint the endpoint and variant the counts are of,
	 * {@code <endpoint>#<variant>}
	 */
	public MinuteStatsRecorder(StatsStore store, String endpoint, Clock clock) {
		this.store = store;
		this.endpoint = endpoint;
		this.clock = clock;
	}

	/** Flushes every {@code interval} on {@code timers} until {@link #close closed}. */
	public synchronized void start(ScheduledExecutorService timers, Duration interval) {
		long millis = interval.toMillis();
		this.flushes = timers.scheduleAtFixedRate(this::flush, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void ended(String outcome, Job job) {
		Instant now = this.clock.instant();
		Duration latency = ("succeeded".equals(outcome) || "failed".equals(outcome)) && job.finishedAt() != null
				? Duration.between(job.createdAt(), job.finishedAt()) : null;
		synchronized (this) {
			this.pending.computeIfAbsent(MinuteStats.minuteOf(now), (minute) -> new Counts()).add(outcome, latency);
		}
	}

	/** Adds what was counted to the store; the future completes when every write did. */
	public CompletableFuture<Void> flush() {
		Map<Instant, Counts> taken;
		synchronized (this) {
			taken = new HashMap<>(this.pending);
			this.pending.clear();
		}
		List<CompletableFuture<Void>> writes = new ArrayList<>();
		if (!this.registered && !taken.isEmpty()) {
			writes.add(this.store.register(this.endpoint).thenRun(() -> this.registered = true));
		}
		Instant oldest = this.clock.instant().minus(KEPT);
		taken.forEach((minute, counts) -> writes
			.add(this.store.add(this.endpoint, counts.toStats(minute)).exceptionally((failure) -> {
				logger.warn("Job figures of {} at {} not written, trying with the next flush: {}", this.endpoint,
						minute, failure.toString());
				if (minute.isAfter(oldest)) {
					synchronized (this) {
						this.pending.computeIfAbsent(minute, (m) -> new Counts()).addAll(counts);
					}
				}
				return null;
			})));
		return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).exceptionally((failure) -> null);
	}

	/** Stops flushing and adds what is left, waiting at most a few seconds. */
	@Override
	public void close() {
		synchronized (this) {
			if (this.flushes != null) {
				this.flushes.cancel(false);
			}
		}
		try {
			flush().get(3, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.debug("Last job figures of {} not written: {}", this.endpoint, ex.toString());
		}
	}

	/** One minute's counts, guarded by the recorder. */
	private static final class Counts {

		private final Map<String, Long> ended = new HashMap<>();

		private long latencyCount;

		private long latencySumMillis;

		private final long[] buckets = new long[MinuteStats.BUCKET_BOUNDS.size() + 1];

		void add(String outcome, Duration latency) {
			this.ended.merge(outcome, 1L, Long::sum);
			if (latency != null) {
				this.latencyCount++;
				this.latencySumMillis += latency.toMillis();
				this.buckets[MinuteStats.bucketOf(latency)]++;
			}
		}

		void addAll(Counts other) {
			other.ended.forEach((outcome, count) -> this.ended.merge(outcome, count, Long::sum));
			this.latencyCount += other.latencyCount;
			this.latencySumMillis += other.latencySumMillis;
			for (int i = 0; i < this.buckets.length; i++) {
				this.buckets[i] += other.buckets[i];
			}
		}

		MinuteStats toStats(Instant minute) {
			List<Long> histogram = new ArrayList<>();
			for (long count : this.buckets) {
				histogram.add(count);
			}
			return new MinuteStats(minute, this.ended, this.latencyCount, this.latencySumMillis, histogram);
		}

	}

}
