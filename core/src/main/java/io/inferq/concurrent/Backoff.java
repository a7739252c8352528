package io.inferq.concurrent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Exponential backoff with full jitter, for retrying inside a future without blocking a
 * thread: the next attempt is scheduled, not slept for.
 *
 * @param initial the longest delay before the second attempt
 * @param max the longest delay between any two attempts
 * @param maxAttempts the most attempts, the first included
 */
public record Backoff(Duration initial, Duration max, int maxAttempts) {

	/** A backoff for retrying the refused part of an AWS batch call. */
	public static final Backoff AWS_PARTIAL_FAILURES = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 12);

	public Backoff {
		if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || maxAttempts < 1) {
			throw new IllegalArgumentException(
					"A backoff needs a positive initial delay, a max delay at least as long, and at least one attempt");
		}
	}

	/**
	 * A random delay before attempt {@code attempt + 1}, up to
	 * {@code initial * 2^(attempt - 1)} and at most {@code max}.
	 */
	public Duration delay(int attempt) {
		long ceiling = Math.min(this.max.toMillis(), this.initial.toMillis() << Math.min(attempt - 1, 20));
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
	}

	/** Whether another attempt may follow attempt {@code attempt}. */
	public boolean allowsAnotherAttempt(int attempt) {
		return attempt < this.maxAttempts;
	}

	/** Runs {@code next} after the delay that follows attempt {@code attempt}. */
	public <T> CompletableFuture<T> after(int attempt, Supplier<CompletableFuture<T>> next) {
		return CompletableFuture.runAsync(() -> {
		}, CompletableFuture.delayedExecutor(delay(attempt).toMillis(), TimeUnit.MILLISECONDS))
			.thenCompose((ignored) -> next.get());
	}

	/**
	 * Calls {@code call} until it succeeds or fails with a failure {@code retryable} does
	 * not accept, at most {@link #maxAttempts} times.
	 * @param call makes attempt n (1-based)
	 */
	public <T> CompletableFuture<T> retry(Function<Integer, CompletableFuture<T>> call,
			Predicate<Throwable> retryable) {
		return retry(call, retryable, 1);
	}

	private <T> CompletableFuture<T> retry(Function<Integer, CompletableFuture<T>> call, Predicate<Throwable> retryable,
			int attempt) {
		CompletableFuture<T> result;
		try {
			result = call.apply(attempt);
		}
		catch (RuntimeException ex) {
			result = Futures.failed(ex);
		}
		return Futures.recover(result, (failure) -> {
			if (allowsAnotherAttempt(attempt) && retryable.test(failure)) {
				return after(attempt, () -> retry(call, retryable, attempt + 1));
			}
			return Futures.failed(failure);
		});
	}

}
