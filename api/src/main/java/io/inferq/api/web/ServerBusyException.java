package io.inferq.api.web;

import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The server has no room for the request now (503); the client may try again after
 * {@code Retry-After}.
 */
public class ServerBusyException extends ErrorResponseException {

	public ServerBusyException(String detail, Duration retryAfter) {
		super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), null);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(retryAfter));
	}

	private static ProblemDetail problem(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setTitle("Server busy");
		return problem;
	}

}
