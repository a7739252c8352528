package io.inferq.api.web;

import java.time.Duration;

/**
 * {@code Retry-After} header values.
 */
public final class RetryAfter {

	private RetryAfter() {
	}

	/** {@code delay} in whole seconds, rounded up, at least one. */
	public static String seconds(Duration delay) {
		long seconds = delay.toSeconds() + ((delay.toNanosPart() > 0) ? 1 : 0);
		return Long.toString(Math.max(1, seconds));
	}

}
