package io.inferq.api.jobs;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request that cannot become a job (400); the detail says what to fix and the
 * {@code pointer} property, a JSON pointer, where.
 */
class InvalidJobRequestException extends ErrorResponseException {

	InvalidJobRequestException(String detail, String pointer) {
		super(HttpStatus.BAD_REQUEST, Problems.of(HttpStatus.BAD_REQUEST, "Invalid job request", detail), null);
		if (pointer != null) {
			getBody().setProperty("pointer", pointer);
		}
	}

	InvalidJobRequestException(String detail) {
		this(detail, null);
	}

}
