package io.inferq.api.jobs;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.inferq.api.config.ApiProperties;

import org.springframework.stereotype.Component;

/**
 * How many bytes of request bodies the API holds at once ({@code max-buffered-bytes}): a
 * submit reserves the most its body can hold before reading it, and gives it back once
 * the job is stored. A submit that finds the budget spent is answered 503 at once, with
 * {@code Retry-After}, rather than risking the heap.
 */
@Component
class BodyBudget {

	private final long capacity;

	private final AtomicLong held = new AtomicLong();

	private final ApiProperties properties;

	BodyBudget(ApiProperties properties) {
		this.capacity = properties.maxBufferedBytes().toBytes();
		this.properties = properties;
	}

	/**
	 * Reserves {@code bytes}.
	 * @throws ServiceUnavailableException if they do not fit now
	 */
	Grant reserve(long bytes) {
		long wanted = Math.max(bytes, 0);
		long now = this.held.addAndGet(wanted);
		if (now > this.capacity && now != wanted) {
			this.held.addAndGet(-wanted);
			throw new ServiceUnavailableException(
					"The API holds as many large request bodies as it may at once; send this one again shortly",
					this.properties.unavailableRetryAfter(), null);
		}
		return new Grant(wanted);
	}

	/** Bytes held now. */
	long held() {
		return this.held.get();
	}

	/** Bytes reserved; {@link #release()} gives them back, once. */
	final class Grant {

		private final long bytes;

		private final AtomicBoolean released = new AtomicBoolean();

		private Grant(long bytes) {
			this.bytes = bytes;
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				BodyBudget.this.held.addAndGet(-this.bytes);
			}
		}

	}

}
