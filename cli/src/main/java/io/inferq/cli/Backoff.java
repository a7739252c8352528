package io.inferq.cli;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delays between the attempts of one request: exponential with jitter, from
 * {@code initial} up to {@code max}, or what the API asked for in {@code Retry-After};
 * given up once {@code budget} has passed since the first attempt. Not thread-safe: one
 * per request.
 */
final class Backoff {

	private final Duration max;

	private final long deadline;

	private Duration next;

	private int retries;

	Backoff(Duration initial, Duration max, Duration budget) {
		this.max = max;
		this.deadline = System.nanoTime() + budget.toNanos();
		this.next = initial;
	}

	/**
	 * The delay before the next attempt, or {@code null} to give up.
	 * @param retryAfter the API's {@code Retry-After}, or {@code null}
	 */
	Duration nextDelay(Duration retryAfter) {
		Duration delay = (retryAfter != null) ? retryAfter : jittered(this.next);
		this.next = min(this.next.multipliedBy(2), this.max);
		if (System.nanoTime() + delay.toNanos() > this.deadline) {
			return null;
		}
		this.retries++;
		return delay;
	}

	/** How many retries were allowed so far. */
	int retries() {
		return this.retries;
	}

	private static Duration jittered(Duration delay) {
		long millis = delay.toMillis();
		return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
