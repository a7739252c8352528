package io.inferq.api.eta;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.inferq.message.QueueDepths;

/**
 * The messages ahead in one lane's queue: the last reading of its depth (waiting and in
 * flight), plus the jobs this process queued in the lane since that reading started
 * (which a reading up to a second old cannot count).
 */
final class LaneBacklog {

	private final Cached<QueueDepths.Depth> depth;

	private final AtomicLong queued = new AtomicLong();

	private volatile long countedAtRead;

	LaneBacklog(QueueDepths depths, boolean bulk, Duration ttl) {
		this.depth = new Cached<>((bulk ? "bulk" : "interactive") + " queue depth", () -> depths.depth(bulk), ttl);
	}

	/** {@code jobs} more were queued in the lane by this process. */
	void queued(long jobs) {
		this.queued.addAndGet(jobs);
	}

	/**
	 * (nanoTime, messages, jobs queued by this process) of the readings of the last 10 s.
	 */
	private final java.util.ArrayDeque<long[]> readings = new java.util.ArrayDeque<>();

	private volatile double drained;

	/** The last reading, or {@code null} before the first. */
	QueueDepths.Depth depth() {
		long before = this.queued.get();
		this.depth.refresh((startedNanos) -> {
			this.countedAtRead = before;
			drained(startedNanos, before);
		});
		return this.depth.get();
	}

	/**
	 * Messages that left the queue per second over the last 10 s (deleted: their jobs
	 * ended), from its depth and what this process queued meanwhile; what other API
	 * processes queued is not seen, so this is a lower bound with several.
	 */
	double drainedPerSecond() {
		return this.drained;
	}

	private synchronized void drained(long nanos, long queuedBefore) {
		QueueDepths.Depth depth = this.depth.get();
		if (depth == null) {
			return;
		}
		this.readings.addLast(new long[] { nanos, depth.total(), queuedBefore });
		while (nanos - this.readings.peekFirst()[0] > java.util.concurrent.TimeUnit.SECONDS.toNanos(10)) {
			this.readings.removeFirst();
		}
		long[] oldest = this.readings.peekFirst();
		double seconds = (nanos - oldest[0]) / 1e9;
		if (seconds >= 1) {
			long left = oldest[1] + (queuedBefore - oldest[2]) - depth.total();
			this.drained = Math.max(0, left) / seconds;
		}
	}

	/**
	 * The jobs ahead of one queued now, if known: the messages waiting, those in flight
	 * up to {@code held} (the rest are of ended jobs whose deletes are not in yet), and
	 * what this process queued since the reading.
	 */
	OptionalLong ahead(long held) {
		QueueDepths.Depth depth = depth();
		if (depth == null) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(depth.waiting() + Math.min(depth.inFlight(), held)
				+ Math.max(0, this.queued.get() - this.countedAtRead));
	}

}
