package io.inferq.api.eta;

import java.time.Duration;
import java.time.Instant;

/**
 * When a job is expected to start and to end.
 *
 * @param startAt when a worker is expected to start it
 * @param finishAt when it is expected to end
 */
public record JobEstimate(Instant startAt, Instant finishAt) {

	/** How long from {@code now} until it is expected to end, at least zero. */
	public Duration untilFinish(Instant now) {
		Duration left = Duration.between(now, this.finishAt);
		return left.isNegative() ? Duration.ZERO : left;
	}

}
