package io.inferq.api.web;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.inferq.api.config.ApiProperties;
import jakarta.servlet.RequestDispatcher;
import org.apache.tomcat.util.http.InvalidParameterException;
import io.inferq.api.quota.QuotaExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every failure inside Spring MVC with problem details (RFC 9457): Spring's own
 * exceptions and {@link org.springframework.web.ErrorResponse}s as they describe
 * themselves (in the client's terms where Spring's words name Java types), Tomcat's
 * refusal of a query string it cannot decode as the 400 it is, anything unexpected as a
 * 500 without internals, logged.
 * <p>
 * Every answer is {@code application/problem+json} whatever the request's {@code Accept}
 * says, even one that cannot be parsed: the content type is set before Spring negotiates,
 * so an error never goes out without its body. Client errors are logged at debug level,
 * without a stack trace.
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
	 * Spring Security's firewall checks parameters when they are first read, which may be
	 * after its filters (by the handler mapping, an endpoint's arguments), and refuses a
	 * name or value with control characters (such as a percent-encoded NUL).
	 */
	@ExceptionHandler
	ResponseEntity<Object> handleRequestRejected(RequestRejectedException ex, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"A parameter's name or value is not allowed: it has control characters, or characters that are "
						+ "not valid there");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * Tomcat parses the query string when a parameter is first read, and refuses one it
	 * cannot decode (bytes that are not UTF-8 once percent-decoded, too many parameters)
	 * at that moment.
	 */
	@ExceptionHandler
	ResponseEntity<Object> handleInvalidParameter(InvalidParameterException ex, WebRequest request) {
		HttpStatus status = HttpStatus.resolve(ex.getErrorCode());
		if (status == null || !status.is4xxClientError()) {
			status = HttpStatus.BAD_REQUEST;
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"The query string cannot be read: parameters must be percent-encoded UTF-8 "
						+ "(such as %C3%A9, not %E9), and not too many of them");
		return handleExceptionInternal(ex, problem, new HttpHeaders(), status, request);
	}

	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		String name = (ex.getPropertyName() != null) ? "'" + ex.getPropertyName() + "'" : "A parameter";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				name + " must be " + describe(ex.getRequiredType()) + ", given once");
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		// Without Spring's warning per request: a client's mistake is not the server's.
		return handleExceptionInternal(ex, null, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String supported = ex.getSupportedMediaTypes()
			.stream()
			.map(MediaType::toString)
			.collect(Collectors.joining(" or "));
		MediaType sent = ex.getContentType();
		String problemWith = (sent != null)
				? "Content-Type '" + sent.getType() + "/" + sent.getSubtype() + "' is not supported"
				: (request.getHeader(HttpHeaders.CONTENT_TYPE) != null) ? "The Content-Type header cannot be read"
						: "The request has no Content-Type";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				problemWith + (supported.isEmpty() ? "" : "; send " + supported));
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String supported = ex.getSupportedMediaTypes()
			.stream()
			.map(MediaType::toString)
			.collect(Collectors.joining(", "));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				supported.isEmpty() ? "The Accept header cannot be read or allows nothing this resource has"
						: "This resource is " + supported + "; send an Accept header that allows it, or none");
		return handleExceptionInternal(ex, problem, headers, status, request);
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
	protected ResponseEntity<Object> handleNoHandlerFoundException(NoHandlerFoundException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"There is nothing at this path; the job API is at /v1/jobs");
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleAsyncRequestTimeoutException(AsyncRequestTimeoutException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		logger.warn("No answer in time to {}", request.getDescription(false));
		// Spring passes the exception's own headers, which are read-only.
		HttpHeaders answer = new HttpHeaders();
		answer.addAll(headers);
		answer.set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(this.properties.unavailableRetryAfter()));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"The job store or queue did not answer in time; try again later");
		return handleExceptionInternal(ex, problem, answer, status, request);
	}

	/**
	 * Answers nothing to a client that cannot be answered any more (it went away while
	 * its request was read, say), which Spring would log as a warning.
	 */
	@Override
	protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
			HttpStatusCode statusCode, WebRequest request) {
		if (request instanceof ServletWebRequest servlet && servlet.getResponse() != null
				&& servlet.getResponse().isCommitted()) {
			logger.debug("{} cannot be answered {} any more: {}", request.getDescription(false), statusCode.value(),
					ex.toString());
			return null;
		}
		return super.handleExceptionInternal(ex, body, headers, statusCode, request);
	}

	/**
	 * Where every answer goes out: as {@code application/problem+json}, set here so that
	 * Spring does not negotiate it against the request's {@code Accept} (and drop the
	 * body of an error it cannot negotiate), naming the path the client asked for as its
	 * {@code instance}, also when the error is answered in an error dispatch.
	 */
	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		HttpHeaders problemHeaders = HttpHeaders.copyOf(headers);
		problemHeaders.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		if (body instanceof ProblemDetail problem && problem.getInstance() == null) {
			problem.setInstance(instance(request));
		}
		if (statusCode.is4xxClientError()) {
			logger.debug("{} answered {}", request.getDescription(false), statusCode.value());
		}
		return super.createResponseEntity(body, problemHeaders, statusCode, request);
	}

	private static URI instance(WebRequest request) {
		Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI, RequestAttributes.SCOPE_REQUEST);
		String path = (original instanceof String uri) ? uri
				: (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI() : null;
		try {
			return (path != null) ? URI.create(path) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static String describe(Class<?> type) {
		if (type == null) {
			return "of another form";
		}
		if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			return "a whole number";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type.isEnum()) {
			return "one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
				.collect(Collectors.joining(", "));
		}
		return "of another form";
	}

}
