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

	/** The last reading, or {@code null} before the first. */
	QueueDepths.Depth depth() {
		long before = this.queued.get();
		this.depth.refresh((startedNanos) -> this.countedAtRead = before);
		return this.depth.get();
	}

	/** The messages ahead of a job queued now, if known. */
	OptionalLong ahead() {
		QueueDepths.Depth depth = depth();
		if (depth == null) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(depth.total() + Math.max(0, this.queued.get() - this.countedAtRead));
	}

}
