package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and when a job is tried again after a transient failure: exponential backoff
 * with "equal jitter" (half the delay fixed, half random), so retries of many jobs that
 * failed together spread out.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the delay before the second attempt, before jitter
 * @param maxBackoff the longest delay
 */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

	/** SQS counts visibility in whole seconds. */
	private static final Duration MIN_DELAY = Duration.ofSeconds(1);

	/** Whether a job that has made {@code attempts} attempts may make another. */
	boolean allowsAnotherAttempt(int attempts) {
		return attempts < this.maxAttempts;
	}

	/** The delay after the {@code attempt}-th attempt failed (1 for the first). */
	Duration backoff(int attempt) {
		int doublings = Math.min(Math.max(attempt - 1, 0), 30);
		long ceiling = Math.min(this.initialBackoff.toMillis() << doublings, this.maxBackoff.toMillis());
		long half = ceiling / 2;
		Duration delay = Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
		return (delay.compareTo(MIN_DELAY) < 0) ? MIN_DELAY : delay;
	}

}
