package io.inferq.benchmarks;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.api.ApiApplication;
import io.inferq.worker.WorkerApplication;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The API and a worker, in this JVM, on AWS stand-ins: the system as a user runs it, for end-to-end tests and
 * benchmarks. Each system gets a table and queues of its own, so systems started one after another never see each
 * other's jobs.
 */
public final class LocalSystem implements AutoCloseable {

	private static final AtomicInteger systems = new AtomicInteger();

	private final ConfigurableApplicationContext worker;

	private final ConfigurableApplicationContext api;

	private final String queueName;

	private LocalSystem(ConfigurableApplicationContext worker, ConfigurableApplicationContext api, String queueName) {
		this.worker = worker;
		this.api = api;
		this.queueName = queueName;
	}

	/**
	 * Starts a worker and the API.
	 * @param awsProperties where the stand-ins are ({@code spring.cloud.aws.*} and the SageMaker endpoint override)
	 * @param endpointName the emulated endpoint the worker invokes
	 * @param instances the endpoint's instances, which the worker keeps busy
	 * @param workerProperties further {@code inferq.worker.*} settings, may be empty
	 */
	public static LocalSystem start(Map<String, String> awsProperties, String endpointName, int instances,
			Map<String, String> workerProperties) {
		String prefix = "e2e-" + ProcessHandle.current().pid() + "-" + systems.incrementAndGet();
		Map<String, String> shared = new LinkedHashMap<>(awsProperties);
		shared.put("inferq.aws.table-name", prefix + "-jobs");
		shared.put("inferq.aws.queue-name", prefix + "-jobs");
		shared.put("inferq.aws.dead-letter-queue-name", prefix + "-jobs-dlq");
		shared.put("inferq.aws.create-resources", "true");

		Map<String, String> worker = new LinkedHashMap<>(shared);
		worker.put("inferq.worker.endpoint-name", endpointName);
		worker.put("inferq.worker.instances", Integer.toString(instances));
		worker.putAll(workerProperties);
		ConfigurableApplicationContext workerContext = WorkerApplication.application().run(asArguments(worker));

		Map<String, String> api = new LinkedHashMap<>(shared);
		api.put("server.port", "0");
		ConfigurableApplicationContext apiContext;
		try {
			apiContext = ApiApplication.application().run(asArguments(api));
		}
		catch (RuntimeException ex) {
			workerContext.close();
			throw ex;
		}
		return new LocalSystem(workerContext, apiContext, prefix + "-jobs");
	}

	/** Where the API listens. */
	public URI apiUrl() {
		int port = ((WebServerApplicationContext) this.api).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port);
	}

	/** A client of this system's API. */
	public JobsClient client() {
		return new JobsClient(apiUrl());
	}

	/** The jobs queue of this system. */
	public String queueName() {
		return this.queueName;
	}

	/** A bean of the worker, for tests that look inside. */
	public <T> T workerBean(Class<T> type) {
		return this.worker.getBean(type);
	}

	/** Stops the API, then the worker (which finishes its in-flight jobs first). */
	@Override
	public void close() {
		this.api.close();
		this.worker.close();
	}

	/** Command-line arguments, which take precedence over every configuration file. */
	private static String[] asArguments(Map<String, String> properties) {
		return properties.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

}
