package io.inferq.api.web;

import io.inferq.api.quota.Quotas;
import io.inferq.api.security.Caller;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Admits each submit ({@code POST} of a job or a batch) under its tenant's limits before
 * the body is read, and tells the client where it stands with RateLimit headers. A submit
 * over a limit ends here: {@link io.inferq.api.quota.QuotaExceededException} goes to
 * {@link ApiExceptionHandler}, which answers 429.
 */
final class QuotaInterceptor implements HandlerInterceptor {

	private final Quotas quotas;

	private final boolean countsOneJob;

	/**
	 * @param countsOneJob whether an admitted submit queues one job (a single job), so
	 * that this replica counts it at once; a batch counts its jobs once enqueued
	 */
	QuotaInterceptor(Quotas quotas, boolean countsOneJob) {
		this.quotas = quotas;
		this.countsOneJob = countsOneJob;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if (!"POST".equals(request.getMethod()) || request.getDispatcherType() != DispatcherType.REQUEST) {
			// An async dispatch of an admitted submit passes here again, with its answer.
			return true;
		}
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
			return true;
		}
		Quotas.Admission admission = this.quotas.admit(caller);
		if (this.countsOneJob) {
			this.quotas.queued(caller, 1);
		}
		HttpHeaders headers = new HttpHeaders();
		RateLimitHeaders.set(headers, admission.rate(), admission.queued());
		headers.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
		return true;
	}

}
