package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.awspring.cloud.sqs.listener.QueueMessageBatchVisibility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Keeps the messages the worker holds invisible: every {@code period}, one
 * {@code ChangeMessageVisibilityBatch} per queue and 10 held messages extends them all to
 * the lease, instead of one {@code ChangeMessageVisibility} per message (512 held
 * messages and a 10 s period: 5 requests a second instead of 51).
 * <p>
 * A message is extended at most one period after it is {@link #hold held}, then every
 * period until {@link Held#release released}, so, with a period under the visibility it
 * was received with, it never becomes visible while held. A tick already under way when a
 * message is released may still extend it once (as a per-message heartbeat already sent
 * would): the message then comes back after the lease instead of sooner.
 * <p>
 * Thread-safe; the ticks run on {@code timers} and never block. A request that fails is
 * logged (its messages come back when their visibility ends, and run again as duplicate
 * deliveries); an entry SQS refuses within a batch (a message deleted meanwhile) is left
 * alone.
 */
final class VisibilityHeartbeats implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(VisibilityHeartbeats.class);

	private final SqsAsyncClient sqs;

	private final int visibilitySeconds;

	private final Map<String, Set<String>> held = new ConcurrentHashMap<>();

	private final ScheduledFuture<?> ticks;

	/**
	 * @param visibility what each tick extends a held message's visibility to (whole
	 * seconds, SQS's unit; at most 12 h)
	 * @param period how often; under {@code visibility}
	 * @param timers runs the ticks
	 */
	VisibilityHeartbeats(SqsAsyncClient sqs, Duration visibility, Duration period, ScheduledExecutorService timers) {
		if (period.compareTo(visibility) >= 0) {
			throw new IllegalArgumentException(
					"The heartbeat period (" + period + ") must be under the visibility (" + visibility + ")");
		}
		this.sqs = sqs;
		this.visibilitySeconds = JobListener.visibilitySeconds(visibility);
		long millis = Math.max(1, period.toMillis());
		this.ticks = timers.scheduleAtFixedRate(this::tick, millis, millis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Keeps the message of {@code receiptHandle} in {@code queueUrl} invisible until the
	 * returned hold is released.
	 */
	Held hold(String queueUrl, String receiptHandle) {
		Set<String> handles = this.held.computeIfAbsent(queueUrl, (url) -> ConcurrentHashMap.newKeySet());
		handles.add(receiptHandle);
		return () -> handles.remove(receiptHandle);
	}

	/** Messages held now, over all queues. */
	int held() {
		return this.held.values().stream().mapToInt(Set::size).sum();
	}

	private void tick() {
		this.held.forEach((queueUrl, handles) -> {
			List<String> batch = new ArrayList<>(handles);
			if (batch.isEmpty()) {
				return;
			}
			// Sends one request per 10 messages, all at once.
			new QueueMessageBatchVisibility(this.sqs, queueUrl, batch).changeToAsync(this.visibilitySeconds)
				.whenComplete((ignored, failure) -> {
					if (failure != null) {
						logger.warn("Visibility of {} held messages of {} could not all be extended: {}", batch.size(),
								queueUrl, failure.toString());
					}
				});
		});
	}

	@Override
	public void close() {
		this.ticks.cancel(false);
	}

	/** A held message; {@link #release()} ends its heartbeats. */
	@FunctionalInterface
	interface Held {

		/** No more heartbeats for this message; idempotent. */
		void release();

	}

}
