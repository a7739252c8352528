package io.inferq.api.web;

import org.springframework.http.HttpStatus;

/**
 * What to fix, in the client's terms, for the errors the server answers by status alone
 * (Tomcat's refusals, error dispatches): the {@code detail} of their problems.
 */
final class StatusDetails {

	private StatusDetails() {
	}

	/** The detail for {@code status}, or {@code null} if there is nothing to add. */
	static String of(HttpStatus status) {
		return switch (status) {
			case BAD_REQUEST -> "The request is not valid HTTP/1.1: check its request line, its headers and how its "
					+ "body is framed (Content-Length or chunked Transfer-Encoding)";
			case NOT_FOUND -> "There is nothing at this path; the job API is at /v1/jobs";
			case METHOD_NOT_ALLOWED -> "This path does not take this method";
			case REQUEST_TIMEOUT -> "The request did not arrive in time; send it again";
			case LENGTH_REQUIRED -> "Send the body with a Content-Length or chunked";
			case CONTENT_TOO_LARGE -> "The request is too large";
			case URI_TOO_LONG -> "The request target is too long";
			case EXPECTATION_FAILED -> "The only expectation the server meets is 'Expect: 100-continue'";
			case REQUEST_HEADER_FIELDS_TOO_LARGE -> "The request's headers are too large";
			case NOT_IMPLEMENTED -> "The server does not implement this method or transfer coding";
			case HTTP_VERSION_NOT_SUPPORTED -> "Send the request as HTTP/1.1";
			default -> null;
		};
	}

}
