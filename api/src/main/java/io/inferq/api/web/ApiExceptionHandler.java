package io.inferq.api.web;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.quota.QuotaExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every failure inside Spring MVC with problem details (RFC 9457): Spring's own
 * exceptions and {@link org.springframework.web.ErrorResponse}s as they describe
 * themselves, anything unexpected as a 500 without internals, logged.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private final ApiProperties properties;

	ApiExceptionHandler(ApiProperties properties) {
		this.properties = properties;
	}

	/**
	 * A 500 with problem details, unless the response has started already (a streamed
	 * export whose store failed midway): then the failure goes on to the server, which
	 * breaks the connection off, so that the client sees an incomplete response and does
	 * not take what it got for the whole.
	 */
	@ExceptionHandler
	ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) throws Exception {
		if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null
				&& servlet.getResponse().isCommitted()) {
			logger.warn("{} failed after its response started; breaking the connection off: {}",
					request.getDescription(false), ex.toString());
			throw ex;
		}
		if (ex.getCause() instanceof ErrorResponseException described) {
			// A streamed answer whose dependency failed before anything was sent.
			return handleException(described, request);
		}
		logger.error("Unexpected failure of {}", request.getDescription(false), ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The request failed unexpectedly; the failure has been logged");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.INTERNAL_SERVER_ERROR, request);
	}

	/**
	 * 429 with {@code Retry-After} and the RateLimit headers: the tenant submitted too
	 * fast, or has too many jobs queued.
	 */
	@ExceptionHandler
	ResponseEntity<Object> handleQuotaExceeded(QuotaExceededException ex, WebRequest request) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(ex.retryAfter()));
		RateLimitHeaders.set(headers, ex.rate(), ex.queued());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, ex.getMessage());
		problem.setTitle(ex.isQueuedJobsLimit() ? "Too many queued jobs" : "Too many submits");
		problem.setProperty("limit", ex.isQueuedJobsLimit() ? "queued" : "submits");
		return handleExceptionInternal(ex, problem, headers, HttpStatus.TOO_MANY_REQUESTS, request);
	}

	@Override
	protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"There is nothing at this path; the job API is at /v1/jobs");
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleAsyncRequestTimeoutException(AsyncRequestTimeoutException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		logger.warn("No answer in time to {}", request.getDescription(false));
		headers.set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(this.properties.unavailableRetryAfter()));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"The job store or queue did not answer in time; try again later");
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

}
