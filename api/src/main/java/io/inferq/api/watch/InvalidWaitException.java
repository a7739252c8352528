package io.inferq.api.watch;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A {@code wait} parameter that cannot be honoured (400); the detail says what to send.
 */
class InvalidWaitException extends ErrorResponseException {

	InvalidWaitException(String detail) {
		super(HttpStatus.BAD_REQUEST, problem(detail), null);
	}

	private static ProblemDetail problem(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Invalid wait");
		return problem;
	}

}
