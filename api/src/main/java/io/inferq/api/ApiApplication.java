package io.inferq.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The job API: clients submit inference jobs, poll them, fetch their results and cancel
 * them.
 */
@SpringBootApplication
public class ApiApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The API as an application, ready to run. Its defaults are in {@code inferq-api.yml}
	 * rather than {@code application.yml}, so that it can share a classpath with the
	 * worker (in end-to-end tests); an {@code application.yml} of the user's still
	 * applies, and overrides them.
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ApiApplication.class)
			.properties("spring.config.name=inferq-api,application");
	}

}
