package io.inferq.api.batches;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;

/**
 * A batch that cannot be enqueued as sent (400, or 413 when it is too large): the detail
 * says what to fix and, for a bad item, the {@code line} (from 1) where it is. The batch
 * {@code batchId}, if one was started, is FAILED and none of its jobs runs.
 */
class InvalidBatchException extends ErrorResponseException {

	private InvalidBatchException(HttpStatusCode status, String title, String detail) {
		super(status, problem(status, title, detail), null);
	}

	private static ProblemDetail problem(HttpStatusCode status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

	static InvalidBatchException of(String detail) {
		return new InvalidBatchException(HttpStatus.BAD_REQUEST, "Invalid batch", detail);
	}

	static InvalidBatchException tooLarge(String detail) {
		return new InvalidBatchException(HttpStatus.CONTENT_TOO_LARGE, "Batch too large", detail);
	}

	/** An item refused for the reason {@code cause} gives, on {@code line}. */
	static InvalidBatchException item(ErrorResponse cause, long line) {
		ProblemDetail reason = cause.getBody();
		InvalidBatchException exception = new InvalidBatchException(cause.getStatusCode(), "Invalid batch item",
				"Line " + line + ": " + reason.getDetail());
		exception.getBody().setProperty("line", line);
		if (reason.getProperties() != null && reason.getProperties().get("pointer") != null) {
			exception.getBody().setProperty("pointer", reason.getProperties().get("pointer"));
		}
		return exception;
	}

	/** An item on {@code line} that is not valid for {@code detail}. */
	static InvalidBatchException item(String detail, long line, String pointer) {
		InvalidBatchException exception = new InvalidBatchException(HttpStatus.BAD_REQUEST, "Invalid batch item",
				"Line " + line + ": " + detail);
		exception.getBody().setProperty("line", line);
		if (pointer != null) {
			exception.getBody().setProperty("pointer", pointer);
		}
		return exception;
	}

	/** An item on {@code line} too large to read. */
	static InvalidBatchException itemTooLarge(long line, long limit) {
		InvalidBatchException exception = new InvalidBatchException(HttpStatus.CONTENT_TOO_LARGE,
				"Batch item too large", "Line " + line + " is longer than " + limit
						+ " bytes; an item may be as large as a single job's request at most");
		exception.getBody().setProperty("line", line);
		return exception;
	}

}
