package io.inferq.api.eta;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last value read from a source, read again in the background once it is older than
 * its time to live: {@link #get()} never waits, and at most one read runs at a time, so a
 * source is read at most once per time to live however many requests ask.
 */
final class Cached<T> {

	private static final Logger logger = LoggerFactory.getLogger(Cached.class);

	private final String what;

	private final Supplier<CompletableFuture<T>> source;

	private final long ttlNanos;

	private final AtomicBoolean reading = new AtomicBoolean();

	private volatile T value;

	private volatile long readNanos;

	private volatile boolean read;

	Cached(String what, Supplier<CompletableFuture<T>> source, java.time.Duration ttl) {
		this.what = what;
		this.source = source;
		this.ttlNanos = ttl.toNanos();
	}

	/** The last value read, or {@code null} before the first; starts a read if stale. */
	T get() {
		refresh(null);
		return this.value;
	}

	/**
	 * Starts a read if the value is stale; {@code onRead} runs once it is in (with the
	 * nanoTime the read started at).
	 */
	void refresh(java.util.function.LongConsumer onRead) {
		long now = System.nanoTime();
		if ((this.read && now - this.readNanos < this.ttlNanos) || !this.reading.compareAndSet(false, true)) {
			return;
		}
		CompletableFuture<T> call;
		try {
			call = this.source.get();
			if (call == null) {
				call = CompletableFuture.failedFuture(new IllegalStateException("No answer"));
			}
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		call.whenComplete((value, failure) -> {
			if (failure != null) {
				logger.debug("Could not read {}; estimates use the last reading: {}", this.what, failure.toString());
			}
			else {
				this.value = value;
				if (onRead != null) {
					onRead.accept(now);
				}
			}
			this.readNanos = now;
			this.read = true;
			this.reading.set(false);
		});
	}

}
