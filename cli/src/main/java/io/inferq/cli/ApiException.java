package io.inferq.cli;

import java.time.Duration;

import tools.jackson.databind.JsonNode;

/**
 * An answer of the API other than the one asked for, with its problem details (RFC 9457)
 * when it sent some.
 */
class ApiException extends RuntimeException {

	private final int status;

	private final JsonNode problem;

	private final Duration retryAfter;

	ApiException(int status, JsonNode problem, String body, Duration retryAfter) {
		super(describe(status, problem, body));
		this.status = status;
		this.problem = problem;
		this.retryAfter = retryAfter;
	}

	/** The HTTP status. */
	int status() {
		return this.status;
	}

	/** The problem details, or {@code null} if the body was not a problem. */
	JsonNode problem() {
		return this.problem;
	}

	/** How long the API asked to wait before retrying, or {@code null}. */
	Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether the same request may succeed later: the API is busy (429) or unavailable
	 * (5xx).
	 */
	boolean isRetryable() {
		return this.status == 429 || this.status >= 500;
	}

	/** The problem's {@code detail}, else its {@code title}, else the body. */
	String detail() {
		if (this.problem != null) {
			String detail = this.problem.path("detail").asString("");
			return (detail.isEmpty()) ? this.problem.path("title").asString("") : detail;
		}
		return getMessage();
	}

	private static String describe(int status, JsonNode problem, String body) {
		if (problem != null) {
			String title = problem.path("title").asString("");
			String detail = problem.path("detail").asString("");
			return status + " " + title + (detail.isEmpty() ? "" : ": " + detail);
		}
		String text = (body == null) ? "" : body.strip();
		return status + ((text.isEmpty()) ? "" : ": " + abbreviate(text));
	}

	private static String abbreviate(String text) {
		return (text.length() <= 300) ? text : text.substring(0, 300) + "...";
	}

}
