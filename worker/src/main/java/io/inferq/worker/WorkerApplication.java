package io.inferq.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The worker: consumes job messages from SQS and invokes the SageMaker endpoint.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The worker as an application, ready to run. Its defaults are in
	 * {@code inferq-worker.yml} rather than {@code application.yml}, so that it can share
	 * a classpath with the API (in end-to-end tests); an {@code application.yml} of the
	 * user's still applies, and overrides them.
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(WorkerApplication.class)
			.properties("spring.config.name=inferq-worker,application");
	}

}
