package io.inferq.cli;

/**
 * The API could not be reached, or stayed unavailable, for as long as the client was
 * willing to retry.
 */
final class ApiUnavailableException extends RuntimeException {

	ApiUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
