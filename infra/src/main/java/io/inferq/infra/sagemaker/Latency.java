package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long the built-in model takes to answer: log-normally distributed with the given
 * median and 99th percentile, or always the median when both are equal.
 *
 * @param median half of the invocations take at most this long
 * @param p99 99% of the invocations take at most this long
 */
public record Latency(Duration median, Duration p99) {

	/** The z-score of the 99th percentile of the standard normal distribution. */
	private static final double Z_99 = 2.3263478740408408;

	public Latency {
		Objects.requireNonNull(median, "median");
		Objects.requireNonNull(p99, "p99");
		if (median.isNegative()) {
			throw new IllegalArgumentException("The median latency must not be negative, but is " + median);
		}
		if (p99.compareTo(median) < 0) {
			throw new IllegalArgumentException(
					"The p99 latency (" + p99 + ") must not be below the median (" + median + ")");
		}
	}

	/** Always {@code latency}. */
	public static Latency fixed(Duration latency) {
		return new Latency(latency, latency);
	}

	/** Whether every invocation takes the median. */
	public boolean isFixed() {
		return this.median.equals(this.p99);
	}

	/** One latency drawn from the distribution. */
	Duration sample(RandomGenerator random) {
		if (isFixed() || this.median.isZero()) {
			return this.median;
		}
		double sigma = Math.log((double) this.p99.toNanos() / this.median.toNanos()) / Z_99;
		return Duration.ofNanos(Math.round(this.median.toNanos() * Math.exp(sigma * random.nextGaussian())));
	}

}
