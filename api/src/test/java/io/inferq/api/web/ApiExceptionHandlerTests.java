package io.inferq.api.web;

import java.util.Map;

import io.inferq.api.config.ApiProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.async.AsyncRequestTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers built by Spring's own dispatch of its exceptions
 * ({@code ResponseEntityExceptionHandler#handleException}), with the headers it passes.
 */
class ApiExceptionHandlerTests {

	private final ApiExceptionHandler handler = new ApiExceptionHandler(
			new Binder(new MapConfigurationPropertySource(Map.of("inferq.api.unavailable-retry-after", "7s")))
				.bindOrCreate(ApiProperties.PREFIX, Bindable.of(ApiProperties.class)));

	@Test
	void anAsyncRequestThatTimesOut_shouldAnswer503WithRetryAfter() throws Exception {
		ServletWebRequest request = new ServletWebRequest(new MockHttpServletRequest("GET", "/v1/jobs/abcdefgh"),
				new MockHttpServletResponse());

		ResponseEntity<Object> answer = this.handler.handleException(new AsyncRequestTimeoutException(), request);

		assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
		assertThat(answer.getBody()).isInstanceOfSatisfying(ProblemDetail.class,
				(problem) -> assertThat(problem.getDetail()).contains("did not answer in time"));
	}

}
