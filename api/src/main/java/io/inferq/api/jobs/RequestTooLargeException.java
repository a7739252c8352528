package io.inferq.api.jobs;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request body or job input above the configured limits (413).
 */
public class RequestTooLargeException extends ErrorResponseException {

	public RequestTooLargeException(String detail) {
		super(HttpStatus.CONTENT_TOO_LARGE, Problems.of(HttpStatus.CONTENT_TOO_LARGE, "Request too large", detail),
				null);
	}

}
