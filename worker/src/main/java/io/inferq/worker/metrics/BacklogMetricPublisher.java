package io.inferq.worker.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import io.inferq.concurrent.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the jobs' backlog per endpoint instance: the messages waiting in the jobs
 * queues divided by the endpoint's current instance count. It is the figure SageMaker
 * Asynchronous Inference scales on ({@code ApproximateBacklogSizePerInstance}), for a
 * target tracking policy on the endpoint's variant: above the target, the endpoint needs
 * more instances; at zero, it has more than the work needs.
 * <p>
 * Every worker publishes the same figure, read from the same queues and the same
 * cluster-wide instance count; CloudWatch averages the workers' data points, so one
 * worker or ten give the same metric, and no worker has to be chosen to publish it.
 * <p>
 * {@link #run()} is called by a scheduler. It reads the instance count on the calling
 * thread (the supplier must answer at once, from what it already knows) and leaves the
 * rest to the futures of the reader and the writer, never blocking. A publication still
 * going when the next is due is not doubled: the next is skipped, and a publication ends
 * (failed) after {@code timeout} at the latest. Failures are logged, never thrown, so
 * that the schedule goes on. With no instance to divide by, nothing is published.
 */
class BacklogMetricPublisher implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(BacklogMetricPublisher.class);

	private final BacklogReader backlog;

	private final IntSupplier currentInstances;

	private final BacklogMetricWriter metric;

	private final Clock clock;

	private final Duration timeout;

	private final AtomicBoolean publishing = new AtomicBoolean();

	/**
	 * @param currentInstances the endpoint's current instance count, for the whole
	 * cluster of workers
	 * @param timeout how long one publication may take; the publishing interval
	 */
	BacklogMetricPublisher(BacklogReader backlog, IntSupplier currentInstances, BacklogMetricWriter metric, Clock clock,
			Duration timeout) {
		this.backlog = backlog;
		this.currentInstances = currentInstances;
		this.metric = metric;
		this.clock = clock;
		this.timeout = timeout;
	}

	/** Starts one publication unless the last one is still going; returns at once. */
	@Override
	public void run() {
		if (!this.publishing.compareAndSet(false, true)) {
			logger.debug("The last backlog publication is still going; skipping this one");
			return;
		}
		CompletableFuture<Optional<BacklogSample>> publication;
		try {
			publication = publish();
		}
		catch (RuntimeException ex) {
			publication = Futures.failed(ex);
		}
		publication.whenComplete((sample, failure) -> {
			this.publishing.set(false);
			if (failure != null) {
				logger.warn("Could not publish the backlog per endpoint instance: {}",
						Futures.unwrap(failure).toString());
			}
			else if (sample.isPresent()) {
				logger.debug("Backlog per endpoint instance {} ({} messages, {} instances)", sample.get().perInstance(),
						sample.get().waitingMessages(), sample.get().instances());
			}
		});
	}

	/**
	 * One publication.
	 * @return the sample written, or empty when the endpoint had no instance; a failed
	 * future if the backlog could not be read or written, or it took longer than the
	 * timeout
	 */
	CompletableFuture<Optional<BacklogSample>> publish() {
		int instances = this.currentInstances.getAsInt();
		if (instances < 1) {
			logger.debug("The endpoint has no instance ({}); no backlog per instance to publish", instances);
			return CompletableFuture.completedFuture(Optional.empty());
		}
		Instant at = this.clock.instant();
		return this.backlog.waitingMessages().thenCompose((waiting) -> {
			BacklogSample sample = new BacklogSample(waiting, instances, at);
			return this.metric.write(sample).thenApply((written) -> Optional.of(sample));
		}).orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

}
