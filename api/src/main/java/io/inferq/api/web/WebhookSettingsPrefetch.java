package io.inferq.api.web;

import io.inferq.api.security.Caller;
import io.inferq.api.webhooks.Callbacks;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Starts reading the caller's tenant's webhook settings as a submit arrives, before its
 * quota is checked and its body read, so that a tenant's first submit (or first after the
 * cache let its settings go) reads them while the rest goes on instead of after it.
 */
final class WebhookSettingsPrefetch implements HandlerInterceptor {

	private final Callbacks callbacks;

	WebhookSettingsPrefetch(Callbacks callbacks) {
		this.callbacks = callbacks;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		if ("POST".equals(request.getMethod()) && request.getDispatcherType() == DispatcherType.REQUEST) {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			if (authentication != null && authentication.getPrincipal() instanceof Caller caller) {
				this.callbacks.prefetch(caller.tenant());
			}
		}
		return true;
	}

}
