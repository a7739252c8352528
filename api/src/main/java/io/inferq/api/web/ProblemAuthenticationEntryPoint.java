package io.inferq.api.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Answers requests Spring Security refuses with problem details (RFC 9457), like every
 * other error of the API: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750) for a
 * missing, unknown, revoked or invalid credential, 403 for a forbidden one, and 503 with
 * {@code Retry-After} when the credential could not be checked (the key store failed). A
 * request Spring Security's firewall refuses (an encoded {@code /}, NUL or path
 * traversal) finds nothing, 404, as it did before the firewall was there.
 */
final class ProblemAuthenticationEntryPoint
		implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();

	private final Duration unavailableRetryAfter;

	ProblemAuthenticationEntryPoint(Duration unavailableRetryAfter) {
		this.unavailableRetryAfter = unavailableRetryAfter;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException ex)
			throws IOException {
		if (ex instanceof AuthenticationServiceException) {
			response.setHeader(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(this.unavailableRetryAfter));
			write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
					"Credentials cannot be checked now; try again later");
			return;
		}
		this.bearer.commence(request, response, ex);
		String detail = (ex instanceof OAuth2AuthenticationException oauth && oauth.getError().getDescription() != null)
				? oauth.getError().getDescription() : "Send an API key or a token as 'Authorization: Bearer ...'";
		write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", detail);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException ex)
			throws IOException {
		write(request, response, HttpStatus.FORBIDDEN, "Forbidden", "This credential may not do that");
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException ex)
			throws IOException {
		write(request, response, HttpStatus.NOT_FOUND, "Not Found", "There is nothing at this path");
	}

	private static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
			String detail) throws IOException {
		ObjectNode problem = mapper.createObjectNode()
			.put("type", "about:blank")
			.put("title", title)
			.put("status", status.value())
			.put("detail", detail)
			.put("instance", request.getRequestURI());
		response.setStatus(status.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(mapper.writeValueAsBytes(problem));
	}

}
