package io.inferq.worker.concurrency;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.inferq.pace.WorkerPace;

/**
 * Measures how fast this worker ends jobs in each lane: completions over the last 10 s
 * (in one-second buckets) and a moving average of how long a permit is held. Cheap enough
 * for every permit; thread-safe.
 */
final class PaceMeter {

	private static final int BUCKETS = 10;

	private static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** The weight of a new sample in the moving average of durations. */
	private static final double ALPHA = 0.05;

	private final LongSupplier nanoTime;

	private final Map<Lane, LaneMeter> lanes = new EnumMap<>(Lane.class);

	private final long startedNanos;

	PaceMeter(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		this.startedNanos = nanoTime.getAsLong();
		for (Lane lane : Lane.values()) {
			this.lanes.put(lane, new LaneMeter());
		}
	}

	/** A job of {@code lane} ended after holding its permit {@code heldNanos}. */
	void ended(Lane lane, long heldNanos) {
		this.lanes.get(lane).ended(this.nanoTime.getAsLong(), heldNanos);
	}

	/** The pace now. */
	WorkerPace pace() {
		long now = this.nanoTime.getAsLong();
		LaneMeter interactive = this.lanes.get(Lane.INTERACTIVE);
		LaneMeter bulk = this.lanes.get(Lane.BULK);
		return new WorkerPace(interactive.rate(now), interactive.millis(), bulk.rate(now), bulk.millis());
	}

	private final class LaneMeter {

		private final long[] counts = new long[BUCKETS];

		private final long[] bucketOf = new long[BUCKETS];

		private double millis;

		synchronized void ended(long now, long heldNanos) {
			long bucket = (now - PaceMeter.this.startedNanos) / BUCKET_NANOS;
			int slot = (int) (bucket % BUCKETS);
			if (this.bucketOf[slot] != bucket) {
				this.bucketOf[slot] = bucket;
				this.counts[slot] = 0;
			}
			this.counts[slot]++;
			double sample = heldNanos / 1e6;
			this.millis = (this.millis == 0) ? sample : this.millis + ALPHA * (sample - this.millis);
		}

		/** Completions per second over the last full buckets and the current one. */
		synchronized double rate(long now) {
			long elapsed = now - PaceMeter.this.startedNanos;
			long bucket = elapsed / BUCKET_NANOS;
			long total = 0;
			for (int i = 0; i < BUCKETS; i++) {
				if (bucket - this.bucketOf[i] < BUCKETS) {
					total += this.counts[i];
				}
			}
			double seconds = Math.min(BUCKETS - 1 + (elapsed % BUCKET_NANOS) / (double) BUCKET_NANOS, elapsed / 1e9);
			return (seconds > 0) ? total / seconds : 0;
		}

		synchronized double millis() {
			return this.millis;
		}

	}

}
