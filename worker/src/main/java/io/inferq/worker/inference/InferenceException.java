package io.inferq.worker.inference;

import io.inferq.job.JobError;

/**
 * An invocation failed. {@link #isRetryable()} tells a transient failure (throttling, an
 * instance not ready, a model timeout or 5xx, a lost connection) from a permanent one
 * (bad input, unknown endpoint, a model 4xx); {@link #isOverload()} tells, among the
 * transient ones, the endpoint refusing work it has no room for.
 */
public class InferenceException extends RuntimeException {

	private final JobError error;

	private final boolean retryable;

	private final boolean overload;

	private final boolean sent;

	public InferenceException(JobError error, boolean retryable, Throwable cause) {
		this(error, retryable, false, cause);
	}

	/**
	 * @param overload whether the endpoint refused the request because it has too much to
	 * do (throttling, a model not ready, 429, 503): it never worked on it, and the
	 * request may be sent again without counting as an attempt
	 */
	public InferenceException(JobError error, boolean retryable, boolean overload, Throwable cause) {
		this(error, retryable, overload, true, cause);
	}

	private InferenceException(JobError error, boolean retryable, boolean overload, boolean sent, Throwable cause) {
		super(error.type() + ": " + error.message(), cause);
		this.error = error;
		this.retryable = retryable || overload || !sent;
		this.overload = overload;
		this.sent = sent;
	}

	/**
	 * The invocation's {@link SendGate} held the request back: the endpoint never saw it,
	 * and it may be sent again without counting as an attempt.
	 */
	public static InferenceException notSent() {
		return new InferenceException(new JobError("NotSent", "The request was held back before it was sent"), true,
				false, false, null);
	}

	/**
	 * {@code failure} as an inference failure: itself if it is one, otherwise an
	 * unexpected, retryable error.
	 */
	public static InferenceException from(Throwable failure) {
		if (failure instanceof InferenceException inference) {
			return inference;
		}
		return new InferenceException(new JobError("InternalError", String.valueOf(failure)), true, failure);
	}

	/** What went wrong, as a client will see it on the job. */
	public JobError error() {
		return this.error;
	}

	/**
	 * Whether the endpoint refused the request for overload, without working on it: the
	 * in-flight limit is too high.
	 */
	public boolean isOverload() {
		return this.overload;
	}

	/**
	 * Whether the request left for the endpoint; {@code false} only for
	 * {@link #notSent()}.
	 */
	public boolean wasSent() {
		return this.sent;
	}

	/** Whether another attempt may succeed. */
	public boolean isRetryable() {
		return this.retryable;
	}

}
