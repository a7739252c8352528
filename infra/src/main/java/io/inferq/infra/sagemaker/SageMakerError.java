package io.inferq.infra.sagemaker;

import java.util.Arrays;

/**
 * The errors SageMaker's {@code InvokeEndpoint} answers with, by the code it puts in the
 * {@code x-amzn-ErrorType} header and the HTTP status it sends. The AWS SDK v2 maps each
 * code to its exception: {@code ValidationErrorException}, {@code ModelErrorException},
 * {@code ModelNotReadyException}, {@code ServiceUnavailableException},
 * {@code InternalFailureException}, {@code InternalDependencyException}; the SDK defines
 * no class for {@code ThrottlingException}, so it surfaces as a plain
 * {@code SageMakerRuntimeException} that the SDK recognises as throttling (and retries).
 */
public enum SageMakerError {

	/** The request is invalid, for example the endpoint does not exist. */
	VALIDATION_ERROR("ValidationError", 400, "The request is invalid"),

	/** The model container answered with an error, or did not answer in time. */
	MODEL_ERROR("ModelError", 424, "The model failed"),

	/**
	 * Too many requests; also what {@code rejectWhenBusy} answers when no slot is free.
	 */
	THROTTLING_EXCEPTION("ThrottlingException", 400, "Rate exceeded"),

	/** The model is not ready to serve requests yet. */
	MODEL_NOT_READY("ModelNotReadyException", 429, "Model is not ready"),

	/** The service is unavailable for the moment. */
	SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Service Unavailable"),

	/** An unknown internal failure of the service. */
	INTERNAL_FAILURE("InternalFailure", 500, "An internal failure occurred"),

	/** A service the endpoint depends on failed. */
	INTERNAL_DEPENDENCY("InternalDependencyException", 530, "An internal dependency failed");

	private final String code;

	private final int httpStatus;

	private final String defaultMessage;

	SageMakerError(String code, int httpStatus, String defaultMessage) {
		this.code = code;
		this.httpStatus = httpStatus;
		this.defaultMessage = defaultMessage;
	}

	/** The error code, as in {@code x-amzn-ErrorType} and {@code __type}. */
	public String code() {
		return this.code;
	}

	/** The HTTP status SageMaker answers this error with. */
	public int httpStatus() {
		return this.httpStatus;
	}

	String defaultMessage() {
		return this.defaultMessage;
	}

	/**
	 * The error with the given code, for example {@code ModelError}.
	 * @throws IllegalArgumentException if no error has that code
	 */
	public static SageMakerError fromCode(String code) {
		return Arrays.stream(values())
			.filter((error) -> error.code.equals(code))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown SageMaker error '" + code + "'; use one of "
					+ Arrays.stream(values()).map(SageMakerError::code).toList()));
	}

}
