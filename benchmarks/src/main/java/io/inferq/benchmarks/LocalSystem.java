package io.inferq.benchmarks;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.api.ApiApplication;
import io.inferq.aws.AwsRequestCounter;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.worker.WorkerApplication;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The API and a worker, in this JVM, on AWS stand-ins: the system as a user runs it, for
 * end-to-end tests and benchmarks. Each system gets a table and queues of its own, so
 * systems started one after another never see each other's jobs, and an API key of the
 * default tenant's ({@link #apiKey()}), which its {@link #client()} sends. The tenant's
 * quotas are set far above what any test or benchmark submits, so that they measure the
 * system rather than its limits.
 */
public final class LocalSystem implements AutoCloseable {

	private static final AtomicInteger systems = new AtomicInteger();

	/**
	 * Spring Security's auto-configurations, which the worker's own jar does not have.
	 */
	private static final List<String> WORKER_EXCLUDED_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration");

	private final Map<String, String> workerProperties;

	private final ConfigurableApplicationContext api;

	private final String apiKey;

	private ConfigurableApplicationContext worker;

	private LocalSystem(Map<String, String> workerProperties, ConfigurableApplicationContext api) {
		this.workerProperties = workerProperties;
		this.api = api;
		ApiKeySecret secret = ApiKeySecret.generate();
		api.getBean(ApiKeyStore.class)
			.create(ApiKey.of(secret, TenantId.DEFAULT, "local system", Instant.now(), null))
			.join();
		this.apiKey = secret.value();
		api.getBean(AwsRequestCounter.class).measureWriteUnits(true);
	}

	/**
	 * Starts the API and a worker.
	 * @param awsProperties where the stand-ins are ({@code spring.cloud.aws.*} and the
	 * SageMaker endpoint override)
	 * @param endpointName the emulated endpoint the worker invokes
	 * @param instances the endpoint's instances, which the worker keeps busy
	 * @param workerProperties further {@code inferq.worker.*} settings, may be empty
	 */
	public static LocalSystem start(Map<String, String> awsProperties, String endpointName, int instances,
			Map<String, String> workerProperties) {
		LocalSystem system = startApi(awsProperties, endpointName, instances, workerProperties);
		system.startWorker();
		return system;
	}

	/**
	 * Starts the API only, so that jobs can be queued before {@link #startWorker()};
	 * arguments as for {@link #start}.
	 */
	public static LocalSystem startApi(Map<String, String> awsProperties, String endpointName, int instances,
			Map<String, String> workerProperties) {
		String prefix = "e2e-" + ProcessHandle.current().pid() + "-" + systems.incrementAndGet();
		Map<String, String> shared = new LinkedHashMap<>(awsProperties);
		shared.put("inferq.aws.table-name", prefix + "-jobs");
		shared.put("inferq.aws.queue-name", prefix + "-jobs");
		shared.put("inferq.aws.bulk-queue-name", prefix + "-jobs-bulk");
		shared.put("inferq.aws.dead-letter-queue-name", prefix + "-jobs-dlq");
		shared.put("inferq.aws.create-resources", "true");

		Map<String, String> worker = new LinkedHashMap<>(shared);
		worker.put("inferq.worker.endpoint-name", endpointName);
		worker.put("inferq.worker.webhooks.queue-name", prefix + "-webhooks");
		worker.put("inferq.worker.webhooks.dead-letter-queue-name", prefix + "-webhooks-dlq");
		worker.put("inferq.worker.concurrency.instances", Integer.toString(instances));
		// Short receives, so that a stopping worker does not wait long for its last one.
		worker.put("inferq.worker.poll-timeout", "1s");
		// Any free port for its health and metrics, so that several workers run at once.
		worker.put("server.port", "0");
		// The API's Spring Security is on this classpath, not on the worker's own:
		// without
		// these, Spring Boot would guard the worker's actuator (metrics) with a password.
		worker.put("spring.autoconfigure.exclude", String.join(",", WORKER_EXCLUDED_AUTO_CONFIGURATIONS));
		// Nor SpringDoc's API documentation, which would otherwise describe the worker's
		// actuator.
		worker.put("springdoc.api-docs.enabled", "false");
		worker.put("springdoc.swagger-ui.enabled", "false");
		worker.putAll(workerProperties);

		Map<String, String> api = new LinkedHashMap<>(shared);
		api.put("server.port", "0");
		api.put("inferq.api.eta.endpoint-name", endpointName);
		api.put("inferq.api.quotas.submits-per-second", "1000000");
		api.put("inferq.api.quotas.submit-burst", "1000000");
		api.put("inferq.api.quotas.max-queued-jobs", "10000000");
		return new LocalSystem(worker, ApiApplication.application().run(asArguments(api)));
	}

	/**
	 * The properties a worker of this system runs with, for starting one in another
	 * process.
	 */
	public Map<String, String> workerProperties() {
		return Map.copyOf(this.workerProperties);
	}

	/** Starts the worker, which begins to take jobs from the queue at once. */
	public synchronized void startWorker() {
		if (this.worker == null) {
			this.worker = WorkerApplication.application().run(asArguments(this.workerProperties));
			this.worker.getBean(AwsRequestCounter.class).measureWriteUnits(true);
		}
	}

	/** Where the API listens. */
	public URI apiUrl() {
		return localUrl(this.api);
	}

	/** Where the worker serves its health and metrics. */
	public synchronized URI workerUrl() {
		return localUrl(this.worker);
	}

	private static URI localUrl(ConfigurableApplicationContext app) {
		return URI.create("http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort());
	}

	/** The DynamoDB table of this system's jobs, batches and API keys. */
	public String tableName() {
		return this.workerProperties.get("inferq.aws.table-name");
	}

	/** The API key of this system's default tenant. */
	public String apiKey() {
		return this.apiKey;
	}

	/** A client of this system's API, with its {@link #apiKey()}. */
	public JobsClient client() {
		return new JobsClient(apiUrl(), this.apiKey);
	}

	/** A bean of the API, for tests that look inside (or add API keys). */
	public <T> T apiBean(Class<T> type) {
		return this.api.getBean(type);
	}

	/**
	 * The AWS requests the API sent so far; DynamoDB writes count their write units from
	 * the API's start on.
	 */
	public AwsRequestCounter.Counts apiRequests() {
		return this.api.getBean(AwsRequestCounter.class).counts();
	}

	/**
	 * The AWS requests the running worker sent so far (none without one); DynamoDB writes
	 * count their write units from the worker's start on.
	 */
	public synchronized AwsRequestCounter.Counts workerRequests() {
		return (this.worker != null) ? this.worker.getBean(AwsRequestCounter.class).counts()
				: new AwsRequestCounter().counts();
	}

	/** A bean of the worker, for tests that look inside. */
	public <T> T workerBean(Class<T> type) {
		return this.worker.getBean(type);
	}

	/** Stops the worker, which finishes its in-flight jobs first. */
	public synchronized void stopWorker() {
		if (this.worker != null) {
			this.worker.close();
			this.worker = null;
		}
	}

	/** Stops the worker, then the API. */
	@Override
	public void close() {
		stopWorker();
		this.api.close();
	}

	/** Command-line arguments, which take precedence over every configuration file. */
	private static String[] asArguments(Map<String, String> properties) {
		return properties.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
	}

}
