package io.inferq.api.dashboard;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the dashboard: a static page, its script and its style from
 * {@code classpath:/dashboard/}, at {@value #PATH} and under it. No build step, nothing
 * from elsewhere: the page draws its charts itself and works offline. The page holds no
 * data: it asks for an API key, keeps it in the browser session and calls the API with
 * it, so that it shows that tenant's batches and jobs and the operators' figures
 * ({@code /v1/ops/overview}). Served without authentication; its security headers allow
 * scripts and styles from this origin only ({@code SecurityHeadersValve}).
 */
@Configuration(proxyBeanMethods = false)
public class DashboardConfiguration implements WebMvcConfigurer {

	/** Where the page is served. */
	public static final String PATH = "/dashboard";

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addViewController(PATH).setViewName("forward:" + PATH + "/index.html");
		registry.addViewController(PATH + "/").setViewName("forward:" + PATH + "/index.html");
	}

	@Override
	public void addResourceHandlers(ResourceHandlerRegistry registry) {
		registry.addResourceHandler(PATH + "/**").addResourceLocations("classpath:/dashboard/");
	}

}
