package io.inferq.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import io.inferq.infra.sagemaker.EndpointStats;
import io.inferq.infra.sagemaker.SageMakerEmulator;

/**
 * Samples what an emulated endpoint has outstanding (requests received and not yet
 * answered) and in flight, every few milliseconds, from the emulator's own counters: what
 * the endpoint saw, whatever the workers believe.
 */
public final class OutstandingSampler implements AutoCloseable {

	private final SageMakerEmulator emulator;

	private final String endpoint;

	private final long startNanos = System.nanoTime();

	private final List<Sample> samples = new ArrayList<>();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "outstanding-sampler");
		thread.setDaemon(true);
		return thread;
	});

	private OutstandingSampler(SageMakerEmulator emulator, String endpoint, Duration period) {
		this.emulator = emulator;
		this.endpoint = endpoint;
		this.timer.scheduleAtFixedRate(this::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
	}

	public static OutstandingSampler start(SageMakerEmulator emulator, String endpoint, Duration period) {
		return new OutstandingSampler(emulator, endpoint, period);
	}

	private void sample() {
		EndpointStats stats = this.emulator.stats(this.endpoint);
		Sample sample = new Sample(Duration.ofNanos(System.nanoTime() - this.startNanos), stats.outstanding(),
				stats.inFlight());
		synchronized (this.samples) {
			this.samples.add(sample);
		}
	}

	/** The time since sampling started. */
	public Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/** The samples taken from {@code from} on. */
	public List<Sample> since(Duration from) {
		synchronized (this.samples) {
			return this.samples.stream().filter((sample) -> sample.at().compareTo(from) >= 0).toList();
		}
	}

	/** The most of {@code what} among the samples taken from {@code from} on. */
	public int max(Duration from, ToIntFunction<Sample> what) {
		return since(from).stream().mapToInt(what).max().orElse(0);
	}

	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	/**
	 * One look at the endpoint.
	 *
	 * @param at when, since sampling started
	 * @param outstanding requests received and not yet answered
	 * @param inFlight requests holding an instance
	 */
	public record Sample(Duration at, int outstanding, int inFlight) {

	}

}
