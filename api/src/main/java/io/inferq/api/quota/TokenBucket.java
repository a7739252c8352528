package io.inferq.api.quota;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code perSecond}; each admitted
 * request takes one. Thread-safe.
 */
final class TokenBucket {

	private static final double NANOS_PER_SECOND = 1e9;

	private final double perSecond;

	private final int capacity;

	private double tokens;

	private long refilledAt;

	TokenBucket(double perSecond, int capacity, long nowNanos) {
		this.perSecond = perSecond;
		this.capacity = capacity;
		this.tokens = capacity;
		this.refilledAt = nowNanos;
	}

	/**
	 * Takes a token if there is one.
	 * @return what the bucket holds after the attempt
	 */
	synchronized SubmitRate take(long nowNanos) {
		this.tokens = Math.min(this.capacity,
				this.tokens + (nowNanos - this.refilledAt) / NANOS_PER_SECOND * this.perSecond);
		this.refilledAt = nowNanos;
		boolean admitted = this.tokens >= 1;
		if (admitted) {
			this.tokens -= 1;
		}
		double untilNext = admitted ? 0 : (1 - this.tokens) / this.perSecond;
		double untilFull = (this.capacity - this.tokens) / this.perSecond;
		return new SubmitRate(admitted, this.capacity, this.perSecond, (long) Math.floor(this.tokens), untilNext,
				untilFull);
	}

	/** Whether the bucket was made for these limits. */
	boolean hasLimits(double perSecond, int capacity) {
		return this.perSecond == perSecond && this.capacity == capacity;
	}

}
