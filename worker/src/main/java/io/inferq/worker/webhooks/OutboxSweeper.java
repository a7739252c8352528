package io.inferq.worker.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.store.JobStore;
import io.inferq.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Queues again the events whose outbox mark is older than {@code sweepAfter}: their relay
 * failed, or the worker that stored the outcome died first, or the API ended the job (a
 * cancel). Every worker sweeps, at a jittered interval so that workers do not sweep in
 * step; two that relay the same event send it twice, which receivers drop by its
 * {@code webhook-id}. At most {@value #BATCH} jobs per sweep; a full sweep is followed by
 * another at once. Never blocks the timer thread.
 */
class OutboxSweeper implements SmartLifecycle {

	static final int BATCH = 100;

	private static final Logger logger = LoggerFactory.getLogger(OutboxSweeper.class);

	private final WebhookOutbox outbox;

	private final JobStore jobs;

	private final OutboxRelay relay;

	private final ScheduledExecutorService timers;

	private final Clock clock;

	private final Duration interval;

	private final Duration sweepAfter;

	private final AtomicBoolean running = new AtomicBoolean();

	OutboxSweeper(WebhookOutbox outbox, JobStore jobs, OutboxRelay relay, ScheduledExecutorService timers, Clock clock,
			Duration interval, Duration sweepAfter) {
		this.outbox = outbox;
		this.jobs = jobs;
		this.relay = relay;
		this.timers = timers;
		this.clock = clock;
		this.interval = interval;
		this.sweepAfter = sweepAfter;
	}

	@Override
	public void start() {
		if (this.running.compareAndSet(false, true)) {
			scheduleNext(jittered());
		}
	}

	@Override
	public void stop() {
		this.running.set(false);
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	/**
	 * One sweep: re-queues what was owed for longer than {@code sweepAfter}.
	 * @return how many events it tried to queue again
	 */
	CompletableFuture<Integer> sweep() {
		return this.outbox.owed(this.clock.instant().minus(this.sweepAfter), BATCH).thenCompose((owed) -> {
			if (owed.isEmpty()) {
				return CompletableFuture.completedFuture(0);
			}
			return this.jobs.findAll(owed).thenCompose((found) -> relayAll(List.copyOf(found.values()), owed));
		});
	}

	private CompletableFuture<Integer> relayAll(List<Job> found, List<JobId> owed) {
		List<CompletableFuture<Void>> relays = found.stream()
			.filter(this.relay::owesEvent)
			.map((job) -> this.relay.relay(job).exceptionally((failure) -> {
				logger.warn("Job {}: its owed webhook event could not be queued; next sweep: {}", job.id(),
						failure.toString());
				return null;
			}))
			.toList();
		logger.info("Webhook outbox: {} events owed for over {}, {} queued again", owed.size(), this.sweepAfter,
				relays.size());
		return CompletableFuture.allOf(relays.toArray(CompletableFuture[]::new)).thenApply((all) -> relays.size());
	}

	private void scheduleNext(Duration delay) {
		if (!this.running.get()) {
			return;
		}
		this.timers.schedule(() -> sweep().whenComplete((owed, failure) -> {
			if (failure != null) {
				logger.warn("Webhook outbox sweep failed; next in {}: {}", this.interval, failure.toString());
			}
			scheduleNext((owed != null && owed >= BATCH) ? Duration.ZERO : jittered());
		}), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private Duration jittered() {
		long millis = this.interval.toMillis();
		return Duration.ofMillis(millis * 4 / 5 + ThreadLocalRandom.current().nextLong(millis * 2 / 5 + 1));
	}

}
