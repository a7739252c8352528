package io.inferq.worker.concurrency;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.inferq.pace.WorkerPace;

/**
 * Measures how fast this worker ends jobs in each lane: completions over the last 10 s
 * (in one-second buckets, back to the last one without any) and how long a permit is
 * held, on average over the ends of the last 5 s (or, when none ended in them, the last
 * such mean). Both count busy seconds only, so a lane that idled is measured as it is
 * now, not averaged with the idle time nor with a slower start (a cold JVM, a loaded
 * machine) for longer than the window. Cheap enough for every permit; thread-safe.
 */
final class PaceMeter {

	private static final int BUCKETS = 10;

	private static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** The seconds whose ends give the mean permit time. */
	private static final int MEAN_BUCKETS = 5;

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
		return new WorkerPace(interactive.rate(now), interactive.millis(now), bulk.rate(now), bulk.millis(now));
	}

	private final class LaneMeter {

		private final long[] counts = new long[BUCKETS];

		private final long[] heldNanos = new long[BUCKETS];

		private final long[] bucketOf = new long[BUCKETS];

		/** The last mean permit time measured, for when no permit ended lately. */
		private double millis;

		synchronized void ended(long now, long heldNanos) {
			long bucket = (now - PaceMeter.this.startedNanos) / BUCKET_NANOS;
			int slot = (int) (bucket % BUCKETS);
			if (this.bucketOf[slot] != bucket) {
				this.bucketOf[slot] = bucket;
				this.counts[slot] = 0;
				this.heldNanos[slot] = 0;
			}
			this.counts[slot]++;
			this.heldNanos[slot] += heldNanos;
			if (this.millis == 0) {
				this.millis = heldNanos / 1e6;
			}
		}

		/**
		 * Completions per second over the last seconds without a gap (at most 10): a lane
		 * that got busy after idling is not averaged with its idle seconds, nor with what
		 * it did before them.
		 */
		synchronized double rate(long now) {
			long elapsed = now - PaceMeter.this.startedNanos;
			long current = elapsed / BUCKET_NANOS;
			long total = 0;
			long oldest = current;
			for (long bucket = current; bucket > current - BUCKETS && bucket >= 0; bucket--) {
				int slot = (int) (bucket % BUCKETS);
				long count = (this.bucketOf[slot] == bucket) ? this.counts[slot] : 0;
				if (count == 0 && bucket != current) {
					break;
				}
				total += count;
				oldest = bucket;
			}
			double seconds = (elapsed - oldest * BUCKET_NANOS) / 1e9;
			return (total > 0 && seconds > 0) ? total / Math.max(seconds, 0.5) : 0;
		}

		/** The mean permit time over the ends of the last seconds, or the last known. */
		synchronized double millis(long now) {
			long current = (now - PaceMeter.this.startedNanos) / BUCKET_NANOS;
			long count = 0;
			long held = 0;
			for (long bucket = current; bucket > current - MEAN_BUCKETS && bucket >= 0; bucket--) {
				int slot = (int) (bucket % BUCKETS);
				if (this.bucketOf[slot] == bucket) {
					count += this.counts[slot];
					held += this.heldNanos[slot];
				}
			}
			if (count > 0) {
				this.millis = held / 1e6 / count;
			}
			return this.millis;
		}

	}

}
