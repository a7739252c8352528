package io.inferq.stats;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the workers of one endpoint ended in one minute, summed over the workers: jobs by
 * outcome, and their latency (from acceptance to end) as a sum and a histogram over
 * {@link #BUCKET_BOUNDS}. Workers add their counts ({@link StatsStore#add}); readers
 * estimate percentiles from the histogram ({@link #latencyPercentile}).
 *
 * @param minute the start of the minute (UTC, whole minutes)
 * @param ended jobs ended in the minute by outcome ({@code succeeded}, {@code failed},
 * {@code cancelled}, {@code expired}, and {@code retried} for attempts sent back to the
 * queue)
 * @param latencyCount how many latencies the sum and buckets hold: succeeded and failed
 * jobs
 * @param latencySumMillis their latencies added up, in milliseconds
 * @param buckets how many of them took at most each of {@link #BUCKET_BOUNDS}, not
 * cumulative, with one more bucket for those above the last bound
 */
public record MinuteStats(Instant minute, Map<String, Long> ended, long latencyCount, long latencySumMillis,
		List<Long> buckets) {

	/** The histogram's upper bounds. */
	public static final List<Duration> BUCKET_BOUNDS = List.of(Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5),
			Duration.ofMinutes(30));

	public MinuteStats {
		Objects.requireNonNull(minute, "minute");
		ended = Map.copyOf(new TreeMap<>(ended));
		buckets = List.copyOf(buckets);
		if (buckets.size() != BUCKET_BOUNDS.size() + 1) {
			throw new IllegalArgumentException(
					"A histogram has " + (BUCKET_BOUNDS.size() + 1) + " buckets; was " + buckets.size());
		}
	}

	/** A minute with nothing in it. */
	public static MinuteStats empty(Instant minute) {
		return new MinuteStats(minute, Map.of(), 0, 0, java.util.Collections.nCopies(BUCKET_BOUNDS.size() + 1, 0L));
	}

	/** The start of the minute {@code time} falls in. */
	public static Instant minuteOf(Instant time) {
		return time.truncatedTo(ChronoUnit.MINUTES);
	}

	/** The bucket a latency falls in. */
	public static int bucketOf(Duration latency) {
		for (int i = 0; i < BUCKET_BOUNDS.size(); i++) {
			if (latency.compareTo(BUCKET_BOUNDS.get(i)) <= 0) {
				return i;
			}
		}
		return BUCKET_BOUNDS.size();
	}

	/** Jobs ended in the minute with {@code outcome}. */
	public long ended(String outcome) {
		return this.ended.getOrDefault(outcome, 0L);
	}

	/**
	 * The latency below which a {@code fraction} of the minute's latencies fall,
	 * interpolated within its bucket (the last bucket counts as twice its lower bound),
	 * or {@code null} if the minute has none.
	 */
	public Duration latencyPercentile(double fraction) {
		long total = this.buckets.stream().mapToLong(Long::longValue).sum();
		if (total == 0) {
			return null;
		}
		double rank = fraction * total;
		long below = 0;
		for (int i = 0; i < this.buckets.size(); i++) {
			long inBucket = this.buckets.get(i);
			if (inBucket > 0 && below + inBucket >= rank) {
				long lower = (i == 0) ? 0 : BUCKET_BOUNDS.get(i - 1).toMillis();
				long upper = (i < BUCKET_BOUNDS.size()) ? BUCKET_BOUNDS.get(i).toMillis() : 2 * lower;
				double within = (rank - below) / inBucket;
				return Duration.ofMillis(Math.round(lower + within * (upper - lower)));
			}
			below += inBucket;
		}
		return BUCKET_BOUNDS.get(BUCKET_BOUNDS.size() - 1);
	}

}
