package io.inferq.infra.sagemaker;

/**
 * Why an invocation failed, in SageMaker's terms; rendered to the caller as that error.
 */
final class InvocationException extends RuntimeException {

	/** The status SageMaker reports when the container did not answer at all. */
	static final int NO_RESPONSE = 0;

	/** The name SageMaker gives the container of a single-container variant. */
	static final String CONTAINER_NAME = "primary";

	private final SageMakerError error;

	private final int originalStatusCode;

	InvocationException(SageMakerError error, String message) {
		this(error, message, NO_RESPONSE);
	}

	private InvocationException(SageMakerError error, String message, int originalStatusCode) {
		super((message != null) ? message : error.defaultMessage(), null, false, false);
		this.error = error;
		this.originalStatusCode = originalStatusCode;
	}

	/**
	 * A {@code ModelError}: the container answered {@code originalStatusCode} with
	 * {@code originalMessage}, or did not answer ({@link #NO_RESPONSE}).
	 */
	static InvocationException modelError(int originalStatusCode, String originalMessage) {
		return new InvocationException(SageMakerError.MODEL_ERROR, originalMessage, originalStatusCode);
	}

	/**
	 * A {@code ModelError} for an invocation that did not finish within the time limit.
	 */
	static InvocationException timedOut() {
		return modelError(NO_RESPONSE, "Your invocation timed out while waiting for a response from container "
				+ CONTAINER_NAME
				+ ". Review the latency metrics for each container in Amazon CloudWatch, resolve the issue, and try again.");
	}

	SageMakerError error() {
		return this.error;
	}

	/** For a {@code ModelError}, the container's status, or 0 if it did not answer. */
	int originalStatusCode() {
		return this.originalStatusCode;
	}

}
