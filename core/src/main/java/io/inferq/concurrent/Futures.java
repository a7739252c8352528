package io.inferq.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Small helpers for keeping asynchronous failures inside futures.
 */
public final class Futures {

	private Futures() {
	}

	/** The cause behind the wrappers that {@link CompletableFuture} adds. */
	public static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/** {@code failure} ready to be rethrown from a stage without wrapping it twice. */
	public static CompletionException asCompletionException(Throwable failure) {
		return (failure instanceof CompletionException completion) ? completion : new CompletionException(failure);
	}

	/**
	 * Replaces a failure with the result of {@code recovery}, which sees the unwrapped
	 * cause and may itself return a failed future.
	 */
	public static <T> CompletableFuture<T> recover(CompletableFuture<T> future,
			Function<Throwable, CompletableFuture<T>> recovery) {
		return future
			.handle((value, failure) -> (failure == null) ? CompletableFuture.completedFuture(value)
					: recovery.apply(unwrap(failure)))
			.thenCompose(Function.identity());
	}

	/**
	 * Calls {@code call}; what it throws instead of returning a future comes back as a
	 * failed future, so that the caller handles one kind of failure.
	 */
	public static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** A future that failed with {@code failure}. */
	public static <T> CompletableFuture<T> failed(Throwable failure) {
		return CompletableFuture.failedFuture(failure);
	}

}
