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

	private volatile long readNanos;

	LaneBacklog(QueueDepths depths, boolean bulk, Duration ttl) {
		this.depth = new Cached<>((bulk ? "bulk" : "interactive") + " queue depth", () -> depths.depth(bulk), ttl);
	}

	/** {@code jobs} more were queued in the lane by this process. */
	void queued(long jobs) {
		this.queued.addAndGet(jobs);
	}

	/** The last reading, or {@code null} before the first. */
	QueueDepths.Depth depth() {
		long before = this.queued.get();
		this.depth.refresh((startedNanos) -> {
			this.countedAtRead = before;
			this.readNanos = startedNanos;
		});
		return this.depth.get();
	}

	/**
	 * The jobs ahead of one queued now, if known: the messages waiting, those in flight
	 * up to {@code held} (the rest are of ended jobs whose deletes are not in yet), less
	 * what the lane ended since the reading at {@code perSecond} (a reading is up to a
	 * second old: without this, estimates came about 0.7 s late), and what this process
	 * queued since.
	 */
	OptionalLong ahead(long held, double perSecond) {
		QueueDepths.Depth depth = depth();
		if (depth == null) {
			return OptionalLong.empty();
		}
		long read = depth.waiting() + Math.min(depth.inFlight(), held);
		long ended = (long) Math.floor(perSecond * Math.max(0, System.nanoTime() - this.readNanos) / 1e9);
		return OptionalLong.of(Math.max(0, read - ended) + Math.max(0, this.queued.get() - this.countedAtRead));
	}

}
