package io.inferq.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Waits at an app's start for the creation of its AWS resources (table, queues, bucket),
 * trying again while AWS cannot be reached in time: a call that timed out (the apps' 5 s
 * call timeout, easily reached by a laptop busy starting everything at once), a refused
 * connection, throttling or a 5xx. Any other refusal (access denied, a bad name) ends the
 * start at once. Creations are idempotent, so a try again repeats all of them.
 */
public final class ResourceCreation {

	private static final Logger logger = LoggerFactory.getLogger(ResourceCreation.class);

	private static final Duration FIRST_PAUSE = Duration.ofMillis(500);

	private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

	private ResourceCreation() {
	}

	/**
	 * Runs {@code creation} until it completes, trying again with pauses of 0.5 s
	 * doubling to 5 s while it fails for a reason that passes (see above), for at most
	 * {@code patience} in all.
	 * @param what what is created, for the log and the error
	 * @throws IllegalStateException naming {@code what} and the last cause, when a try
	 * fails for good or {@code patience} is over
	 */
	public static void await(String what, Supplier<CompletableFuture<?>> creation, Duration patience)
			throws InterruptedException {
		long deadline = System.nanoTime() + patience.toNanos();
		Duration pause = FIRST_PAUSE;
		for (int attempt = 1;; attempt++) {
			long left = deadline - System.nanoTime();
			Throwable failure;
			try {
				creation.get().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
				return;
			}
			catch (ExecutionException | CompletionException ex) {
				failure = ex.getCause();
			}
			catch (TimeoutException ex) {
				failure = ex;
			}
			left = deadline - System.nanoTime();
			if (!passes(failure) || left <= pause.toNanos()) {
				throw new IllegalStateException("Could not create " + what + " (" + attempt + " tries in "
						+ patience.toSeconds() + " s at most): " + failure, failure);
			}
			logger.warn("Creating {} failed ({}); trying again in {} ms", what, failure, pause.toMillis());
			Thread.sleep(pause.toMillis());
			pause = (pause.compareTo(LONGEST_PAUSE.dividedBy(2)) > 0) ? LONGEST_PAUSE : pause.multipliedBy(2);
		}
	}

	/** Whether a creation that failed so may succeed when tried again. */
	static boolean passes(Throwable failure) {
		if (failure instanceof CompletionException && failure.getCause() != null) {
			return passes(failure.getCause());
		}
		if (failure instanceof SdkServiceException service) {
			return service.isThrottlingException() || service.statusCode() >= 500;
		}
		return failure instanceof SdkClientException;
	}

}
