package io.inferq.worker.metrics;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link BacklogMetricWriter} that keeps the samples it is given; it can be told to
 * fail, or to hold a write until the test completes it.
 */
class InMemoryBacklogMetricWriter implements BacklogMetricWriter {

	final List<BacklogSample> samples = new CopyOnWriteArrayList<>();

	private volatile RuntimeException failure;

	private volatile CompletableFuture<Void> held;

	@Override
	public CompletableFuture<Void> write(BacklogSample sample) {
		if (this.failure != null) {
			return CompletableFuture.failedFuture(this.failure);
		}
		this.samples.add(sample);
		return (this.held != null) ? this.held : CompletableFuture.completedFuture(null);
	}

	void failWith(RuntimeException failure) {
		this.failure = failure;
	}

	/** Writes from now on complete when the returned future does. */
	CompletableFuture<Void> hold() {
		this.held = new CompletableFuture<>();
		return this.held;
	}

}
