package io.inferq.api.idempotency;

import java.time.Duration;

import io.inferq.api.jobs.Problems;
import io.inferq.api.web.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request its {@code Idempotency-Key} does not allow: a malformed key (400), a key used
 * for a different request (422), or a key whose first request is still being processed
 * (409).
 */
public class IdempotencyException extends ErrorResponseException {

	private IdempotencyException(HttpStatus status, String title, String detail) {
		super(status, Problems.of(status, title, detail), null);
	}

	static IdempotencyException invalidKey() {
		return new IdempotencyException(HttpStatus.BAD_REQUEST, "Invalid idempotency key",
				"The Idempotency-Key header must be 1 to 255 printable ASCII characters, for example a UUID");
	}

	/** The key was used for a request with another body (or path, or content type). */
	public static IdempotencyException mismatch(String resourceId) {
		IdempotencyException exception = new IdempotencyException(HttpStatus.UNPROCESSABLE_CONTENT,
				"Idempotency key reused",
				"This Idempotency-Key was used for a different request; use a new key for a new request");
		exception.getBody().setProperty("resourceId", resourceId);
		return exception;
	}

	/** The first request with the key is still being processed. */
	public static IdempotencyException inProgress(String resourceId, Duration retryAfter) {
		IdempotencyException exception = new IdempotencyException(HttpStatus.CONFLICT, "Request in progress",
				"A request with this Idempotency-Key is still being processed; retry after Retry-After");
		exception.getBody().setProperty("resourceId", resourceId);
		exception.getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(retryAfter));
		return exception;
	}

}
