package io.inferq.infra.sns;

/**
 * An error answered as SNS does ({@code <ErrorResponse><Error><Type>Sender</Type>
 * <Code>...</Code>}), which the SDK maps to its exception of that code:
 * {@code NotFoundException}, {@code InvalidParameterException}...
 */
final class SnsError extends RuntimeException {

	private final int status;

	private final String code;

	private SnsError(int status, String code, String message) {
		super(message);
		this.status = status;
		this.code = code;
	}

	static SnsError notFound(String message) {
		return new SnsError(404, "NotFound", message);
	}

	static SnsError invalidParameter(String message) {
		return new SnsError(400, "InvalidParameter", message);
	}

	static SnsError tooLarge(String message) {
		return new SnsError(400, "InvalidParameter", message);
	}

	static SnsError unknownAction(String action) {
		return new SnsError(400, "InvalidAction", "The action " + action + " is not valid for this web service.");
	}

	int status() {
		return this.status;
	}

	String code() {
		return this.code;
	}

}
