package io.inferq.api.jobs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferq.api.quota.Quotas;
import io.inferq.api.security.Caller;
import io.inferq.config.AwsWarmUp;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warms the API up before it reports ready (Spring Boot marks it ready once the runners
 * have run; the web server accepts connections already, so that it can call itself): the
 * AWS clients ({@link AwsWarmUp}: a job's create and message included, both refused), the
 * quota's count of a tenant's queued jobs, the submit body reader and the job's JSON, and
 * requests to itself over loopback that go through the server, the security filters, an
 * API key lookup and the problem writer, each answered {@code 401} with a key that does
 * not exist. Stores nothing and leaves nothing a user sees; a failure is logged, never
 * fatal. Off with {@code inferq.warm-up.enabled=false}.
 */
@Component
@ConditionalOnProperty(name = "inferq.warm-up.enabled", matchIfMissing = true)
class ApiWarmUp implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(ApiWarmUp.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final byte[] SUBMIT = "{\"input\":{\"message\":\"warm-up\"},\"metadata\":{\"k\":\"v\"}}"
		.getBytes(StandardCharsets.UTF_8);

	private final AwsWarmUp aws;

	private final SubmitRequestReader reader;

	private final JsonMapper mapper;

	private final Quotas quotas;

	private final Environment environment;

	ApiWarmUp(AwsWarmUp aws, SubmitRequestReader reader, JsonMapper mapper, Quotas quotas, Environment environment) {
		this.aws = aws;
		this.reader = reader;
		this.mapper = mapper;
		this.quotas = quotas;
		this.environment = environment;
	}

	@Override
	public void run(ApplicationArguments args) {
		long started = System.nanoTime();
		int rounds = this.environment.getProperty(AwsWarmUp.ROUNDS_PROPERTY, Integer.class, AwsWarmUp.DEFAULT_ROUNDS);
		this.aws.run(rounds, TIMEOUT);
		for (int round = 0; round < rounds; round++) {
			inMemory();
			// A submit's count of its tenant's queued jobs (a Query per shard), for a
			// tenant that has none.
			this.quotas.queuedJobs(new Caller(new TenantId("warm-up-" + round), TenantQuota.DEFAULTS, "warm-up"));
		}
		Integer port = this.environment.getProperty("local.server.port", Integer.class);
		if (port != null && port > 0) {
			selfRequests(port, rounds);
		}
		logger.info("API warmed up in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	/** A submit body read, and a job written as its answer. */
	private void inMemory() {
		JobSubmission submission = this.reader.read(SUBMIT);
		Job job = Job.submit(TenantId.DEFAULT, JobId.random(), new Payload(SUBMIT, "application/json"), null, Map.of(),
				Instant.now(), Duration.ofHours(1));
		this.mapper.writeValueAsBytes(JobResponse.of(job));
		this.mapper.writeValueAsBytes(submission.metadata());
	}

	private void selfRequests(int port, int rounds) {
		String host = host();
		String key = ApiKeySecret.generate().value();
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try {
			for (int round = 0; round < rounds; round++) {
				send(client,
						HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/v1/jobs"))
							.header("Authorization", "Bearer " + key)
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofByteArray(SUBMIT)));
				send(client,
						HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/v1/jobs/" + JobId.random()))
							.header("Authorization", "Bearer " + key));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("The API could not call itself to warm up: {}", ex.toString());
		}
	}

	private static void send(HttpClient client, HttpRequest.Builder request) {
		try {
			client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.discarding());
		}
		catch (java.io.IOException ex) {
			logger.warn("A warm-up request to the API failed: {}", ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Loopback, unless the server listens on one address only. */
	private String host() {
		String address = this.environment.getProperty("server.address", "");
		if (address.isEmpty() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
			return "127.0.0.1";
		}
		return address.contains(":") ? "[" + address + "]" : address;
	}

}
