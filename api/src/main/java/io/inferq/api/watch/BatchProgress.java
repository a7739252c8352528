package io.inferq.api.watch;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.api.web.ServerBusyException;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.store.BatchStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Batches' progress as Server-Sent Events: {@code progress} events
 * ({@link ProgressEvent}) when the counts change, at most one per
 * {@code inferq.api.watch.progress-interval}, and a final {@code end} event with the same
 * data, after which the stream completes. One shared read of each followed batch per
 * interval, however many clients follow it; a client costs a connection and no thread.
 * Events are written from one thread: they are small, but a client that stops reading
 * holds it until its socket buffers fill up and the write fails.
 */
@Component
public class BatchProgress implements DisposableBean, SmartLifecycle {

	private volatile boolean running;

	private static final Logger logger = LoggerFactory.getLogger(BatchProgress.class);

	private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

	private static final long MIN_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final BatchStore store;

	private final WatchProperties properties;

	private final Clock clock;

	private final JsonMapper json = JsonMapper.builder().build();

	private final CompletionForecast forecast;

	private final ScheduledExecutorService scheduler;

	private final Map<BatchId, Feed> feeds = new ConcurrentHashMap<>();

	private final AtomicInteger subscribers = new AtomicInteger();

	BatchProgress(BatchStore store, WatchProperties properties, Clock clock, CompletionForecast forecast) {
		this.store = store;
		this.properties = properties;
		this.clock = clock;
		this.forecast = forecast;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inferq-progress");
			thread.setDaemon(true);
			return thread;
		});
		long interval = properties.progressInterval().toMillis();
		this.scheduler.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * A stream of {@code batch}'s progress, starting with an event for it as given; the
	 * caller has checked the tenant.
	 * @throws ServerBusyException (503) if this process serves as many streams as it may
	 */
	public SseEmitter subscribe(Batch batch) {
		if (this.subscribers.incrementAndGet() > this.properties.maxSubscribers()) {
			this.subscribers.decrementAndGet();
			throw new ServerBusyException("This server streams the progress of " + this.properties.maxSubscribers()
					+ " batches already (" + WatchProperties.PREFIX + ".max-subscribers); poll the batch instead, "
					+ "or try again after Retry-After", Duration.ofSeconds(5));
		}
		SseEmitter emitter = new SseEmitter(this.properties.maxStream().toMillis());
		Feed feed = this.feeds.computeIfAbsent(batch.id(), Feed::new);
		Runnable leave = () -> {
			if (feed.emitters.remove(emitter)) {
				this.subscribers.decrementAndGet();
			}
		};
		emitter.onCompletion(leave);
		emitter.onTimeout(emitter::complete);
		emitter.onError((failure) -> leave.run());
		feed.emitters.add(emitter);
		this.scheduler.execute(() -> {
			ProgressEvent event = feed.observe(batch);
			if (feed.sent == null) {
				feed.sent = event;
				feed.sentNanos = System.nanoTime();
			}
			if (batch.hasEnded()) {
				end(emitter, event);
			}
			else {
				send(emitter, "progress", event);
			}
		});
		return emitter;
	}

	/** Streams open now. */
	int subscribers() {
		return this.subscribers.get();
	}

	private void poll() {
		for (Feed feed : this.feeds.values()) {
			if (feed.emitters.isEmpty()) {
				this.feeds.remove(feed.id, feed);
				continue;
			}
			if (feed.reading) {
				continue;
			}
			feed.reading = true;
			this.store.find(feed.id).whenCompleteAsync((found, failure) -> {
				feed.reading = false;
				if (failure != null) {
					logger.debug("Batch {}: could not read its progress; trying again: {}", feed.id,
							failure.toString());
				}
				else {
					found.ifPresent(feed::publish);
				}
			}, this.scheduler);
		}
	}

	private void end(SseEmitter emitter, ProgressEvent event) {
		if (send(emitter, "end", event)) {
			emitter.complete();
		}
	}

	private boolean send(SseEmitter emitter, String name, ProgressEvent event) {
		try {
			emitter.send(SseEmitter.event().name(name).data(this.json.writeValueAsString(event), MediaType.TEXT_PLAIN));
			return true;
		}
		catch (IOException | IllegalStateException ex) {
			logger.debug("Batch {}: a progress stream ended: {}", event.batchId(), ex.toString());
			emitter.completeWithError(ex);
			return false;
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Ends every stream before the web server shuts down gracefully (which would
	 * otherwise wait for them); clients reconnect to another replica.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.feeds.values().forEach((feed) -> feed.emitters.forEach(SseEmitter::complete));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		this.feeds.values().forEach((feed) -> feed.emitters.forEach(SseEmitter::complete));
	}

	/** One followed batch: its subscribers, and what they were told. Scheduler only. */
	private final class Feed {

		private final BatchId id;

		private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();

		/** (nanoTime, jobs ended) samples of the last minute. */
		private final ArrayDeque<long[]> samples = new ArrayDeque<>();

		private volatile boolean reading;

		private ProgressEvent sent;

		private long sentNanos;

		Feed(BatchId id) {
			this.id = id;
		}

		void publish(Batch batch) {
			ProgressEvent event = observe(batch);
			long now = System.nanoTime();
			if (batch.hasEnded()) {
				this.emitters.forEach((emitter) -> end(emitter, event));
				BatchProgress.this.feeds.remove(this.id, this);
			}
			else if (!event.sameAs(this.sent) || now - this.sentNanos >= KEEP_ALIVE_NANOS) {
				this.emitters.forEach((emitter) -> send(emitter, "progress", event));
				this.sent = event;
				this.sentNanos = now;
			}
		}

		ProgressEvent observe(Batch batch) {
			long now = System.nanoTime();
			long ended = batch.counts().terminal();
			this.samples.addLast(new long[] { now, ended });
			while (now - this.samples.peekFirst()[0] > WINDOW_NANOS) {
				this.samples.removeFirst();
			}
			Instant at = BatchProgress.this.clock.instant();
			double rate = rate(batch, now, ended, at);
			long remaining = Math.max(0, batch.total() - ended);
			Optional<Instant> completion;
			if (batch.hasEnded()) {
				completion = Optional.empty();
			}
			else if (rate > 0) {
				completion = Optional.of(at.plusMillis((long) Math.ceil(remaining * 1000 / rate)));
			}
			else {
				completion = BatchProgress.this.forecast.completionOf(batch);
				rate = BatchProgress.this.forecast.ratePerSecond(batch);
			}
			return new ProgressEvent(batch.id().value(), batch.status(), batch.counts(), batch.total(), round(rate),
					completion.map(Instant::toString).orElse(null));
		}

		/**
		 * Jobs ended per second over the window, once it spans 5 s and saw some end; else
		 * since the batch was enqueued.
		 */
		private double rate(Batch batch, long now, long ended, Instant at) {
			long[] oldest = this.samples.peekFirst();
			if (now - oldest[0] >= MIN_WINDOW_NANOS && ended > oldest[1]) {
				return (ended - oldest[1]) * 1e9 / (now - oldest[0]);
			}
			if (ended > 0 && batch.enqueuedAt() != null) {
				long millis = Duration.between(batch.enqueuedAt(), at).toMillis();
				return (millis > 0) ? ended * 1000.0 / millis : 0;
			}
			return 0;
		}

		private static double round(double rate) {
			return Math.round(rate * 1000) / 1000.0;
		}

	}

}
