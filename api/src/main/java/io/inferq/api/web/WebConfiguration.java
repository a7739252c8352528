package io.inferq.api.web;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.quota.Quotas;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The web edge's own wiring: {@link QuotaInterceptor} in front of the submit endpoints,
 * and the problem writers Spring Security answers refused requests with.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

	private final Quotas quotas;

	WebConfiguration(Quotas quotas) {
		this.quotas = quotas;
	}

	/**
	 * Spring Security's entry point, access-denied handler and request-rejected handler
	 * (the last one is picked up by type).
	 */
	@Bean
	ProblemAuthenticationEntryPoint problemAuthenticationEntryPoint(ApiProperties properties) {
		return new ProblemAuthenticationEntryPoint(properties.unavailableRetryAfter());
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new QuotaInterceptor(this.quotas, true)).addPathPatterns("/v1/jobs");
		registry.addInterceptor(new QuotaInterceptor(this.quotas, false)).addPathPatterns("/v1/batches");
	}

}
