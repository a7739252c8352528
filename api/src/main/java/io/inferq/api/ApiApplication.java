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

	/** The API as an application, ready to run. */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ApiApplication.class);
	}

}
