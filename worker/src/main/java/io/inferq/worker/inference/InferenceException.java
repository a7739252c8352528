package io.inferq.worker.inference;

import io.inferq.job.JobError;

/**
 * An invocation failed. {@link #isRetryable()} tells a transient failure (throttling, an
 * instance not ready, a model timeout or 5xx, a lost connection) from a permanent one
 * (bad input, unknown endpoint, a model 4xx).
 */
public class InferenceException extends RuntimeException {

	private final JobError error;

	private final boolean retryable;

	public InferenceException(JobError error, boolean retryable, Throwable cause) {
		super(error.type() + ": " + error.message(), cause);
		this.error = error;
		this.retryable = retryable;
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

	/** Whether another attempt may succeed. */
	public boolean isRetryable() {
		return this.retryable;
	}

}
