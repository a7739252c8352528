package io.inferq.api.web;

import io.inferq.api.quota.Quotas;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Puts {@link QuotaInterceptor} in front of the submit endpoints.
 */
@Configuration(proxyBeanMethods = false)
class QuotaWebConfiguration implements WebMvcConfigurer {

	private final Quotas quotas;

	QuotaWebConfiguration(Quotas quotas) {
		this.quotas = quotas;
	}

	@Override
	public void addInterceptors(InterceptorRegistry registry) {
		registry.addInterceptor(new QuotaInterceptor(this.quotas, true)).addPathPatterns("/v1/jobs");
		registry.addInterceptor(new QuotaInterceptor(this.quotas, false)).addPathPatterns("/v1/batches");
	}

}
