package io.inferq.api.listing;

import io.inferq.api.jobs.Problems;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A listing request that cannot be answered: a bad limit, status or page token (400).
 */
class InvalidListingException extends ErrorResponseException {

	InvalidListingException(String detail) {
		super(HttpStatus.BAD_REQUEST, Problems.of(HttpStatus.BAD_REQUEST, "Invalid listing request", detail), null);
	}

}
