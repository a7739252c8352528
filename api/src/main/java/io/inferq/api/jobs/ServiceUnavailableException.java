package io.inferq.api.jobs;

import java.time.Duration;

import io.inferq.api.web.RetryAfter;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The job store or the job queue failed (503); the client may try again after
 * {@code Retry-After}.
 */
public class ServiceUnavailableException extends ErrorResponseException {

	public ServiceUnavailableException(String detail, Duration retryAfter, Throwable cause) {
		super(HttpStatus.SERVICE_UNAVAILABLE,
				Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", detail), cause);
		getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(retryAfter));
	}

}
