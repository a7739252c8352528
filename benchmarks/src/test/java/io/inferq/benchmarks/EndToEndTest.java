package io.inferq.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import io.inferq.infra.sagemaker.SageMakerError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole system over the wire: HTTP to the API, SQS, DynamoDB and the SageMaker
 * emulator, with nothing mocked.
 */
class EndToEndTest {

	private static final AtomicInteger endpoints = new AtomicInteger();

	private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED");

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void seedExperiment_shouldKeepBothInstancesBusyAndNeverSendMore() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(2).latency(Duration.ofSeconds(1)));
		JobsClient client = start(endpoint, 2, Map.of());

		long started = System.nanoTime();
		List<String> ids = submit(client, 4, "{\"input\":{\"message\":\"test\"}}");
		List<JsonNode> jobs = awaitTerminal(client, ids, Duration.ofSeconds(30));
		Duration makespan = Duration.ofNanos(System.nanoTime() - started);

		assertThat(jobs).allSatisfy((job) -> {
			assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(job.get("output").get("message").asString()).isEqualTo("finish");
		});
		System.out.printf("seed: makespan %d ms for 4 jobs on 2 instances of 1 s%n", makespan.toMillis());
		// Ideal: 4 jobs / 2 instances x 1 s = 2 s; one at a time would take 4 s.
		assertThat(makespan).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
		EndpointStats stats = this.aws.sageMaker().stats(endpoint);
		assertThat(stats.maxInFlight()).isEqualTo(2);
		assertThat(stats.invocations()).as("the 4 jobs' only: the worker's warm-up holds its invocations back")
			.isEqualTo(4);
	}

	@Test
	void saturation_shouldNeverExceedTheInstancesAndKeepThemBusy() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(8).latency(Duration.ofMillis(100)));
		warmUp();
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 8, Map.of());
		JobsClient client = this.system.client();

		// Queued first, so that jobs wait during the whole run and any idle instance is
		// the worker's fault.
		List<String> ids = submit(client, 200, "{\"input\":{\"n\":1}}");
		this.system.startWorker();
		List<JsonNode> jobs = awaitTerminal(client, ids, Duration.ofSeconds(60));

		assertThat(jobs).allSatisfy((job) -> assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED"));
		EndpointStats stats = this.aws.sageMaker().stats(endpoint);
		assertThat(stats.maxInFlight()).isEqualTo(8);
		assertThat(stats.invocations()).isEqualTo(200);
		System.out.printf("saturation: utilisation %.3f while jobs waited, %.3f to the last end%n",
				stats.utilisationWhileStarting(), stats.utilisation());
		// Measured on 2 cores before the cluster-wide budget: 0.93 to 0.97 after the
		// warm-up, about what one client calling one instance back to back gets. Since a
		// job starts RUNNING only when its permit comes (one conditional write between a
		// freed instance and its next request, so that a job cancelled or expired while
		// it waits is never invoked), and that write now also moves the tenant-status
		// index, DynamoDB Local's write time shows at a 100 ms model: 0.90 to 0.95 in
		// full
		// runs before the tenant indexes, 0.845 after them with another build running,
		// 0.59 to 0.75 under heavy load. On 2026-12-01 evening, with the machine idle,
		// 0.770-0.782 (this test alone and in the full suite), and 0.798 for the commit
		// before (the worker's code is the same): the gap between a freed instance and
		// its next request is about 28 ms of the stand-ins' and the JVM's time on this
		// machine. A worker that added one round trip to that gap (say, refilling an
		// instance only after storing the outcome, ~10 ms) would be at about
		// 100 / (100 + 28 + 10) = 0.72. Real
		// DynamoDB answers in single-digit milliseconds, against models of hundreds of
		// milliseconds.
		assertThat(stats.utilisationWhileStarting()).isGreaterThanOrEqualTo(0.75);
	}

	@Test
	void modelError_shouldFailTheJobWithTheModelsMessageAfterOneInvocation() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(1).latency(Duration.ofMillis(10)));
		JobsClient client = start(endpoint, 1, Map.of());

		String id = client.submit("{\"input\":{\"_emulator\":{\"error\":\"ModelError\",\"originalStatusCode\":400,"
				+ "\"message\":\"unsupported image size\"}}}");
		JsonNode job = awaitTerminal(client, List.of(id), Duration.ofSeconds(30)).get(0);

		assertThat(job.get("status").asString()).isEqualTo("FAILED");
		assertThat(job.get("error").get("type").asString()).isEqualTo("ModelError");
		assertThat(job.get("error").get("message").asString()).contains("unsupported image size");
		assertThat(job.get("attempts").asInt()).isEqualTo(1);
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isEqualTo(1);
	}

	@Test
	void throttling_shouldBeRetriedUntilEveryJobSucceeds_withoutUsingAttempts() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName())
			.instances(4)
			.latency(Duration.ofMillis(20))
			.errorRate(SageMakerError.THROTTLING_EXCEPTION, 0.2));
		JobsClient client = start(endpoint, 4, fastRetries(10));

		List<String> ids = submit(client, 40, "{\"input\":{\"n\":2}}");
		List<JsonNode> jobs = awaitTerminal(client, ids, Duration.ofSeconds(90));

		assertThat(jobs).allSatisfy((job) -> {
			assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(job.get("attempts").asInt()).as("a throttled request is not an attempt").isEqualTo(1);
		});
		EndpointStats stats = this.aws.sageMaker().stats(endpoint);
		long throttled = stats.errors().getOrDefault(SageMakerError.THROTTLING_EXCEPTION.code(), 0L);
		assertThat(throttled).isPositive();
		assertThat(stats.invocations()).isEqualTo(40 + throttled);
	}

	@Test
	void persistentOverload_shouldNeverUseAnAttempt_andExpireTheJobAtItsDeadline() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(1).latency(Duration.ofMillis(10)));
		JobsClient client = start(endpoint, 1, fastRetries(3));

		String id = client.submit("{\"input\":{\"_emulator\":{\"error\":\"ServiceUnavailable\",\"times\":100,"
				+ "\"key\":\"" + endpoint + "\"}},\"timeToStart\":\"PT5S\"}");
		JsonNode job = awaitTerminal(client, List.of(id), Duration.ofSeconds(30)).get(0);

		assertThat(job.get("status").asString()).isEqualTo("EXPIRED");
		assertThat(job.get("attempts").asInt()).isZero();
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isGreaterThan(3);
	}

	@Test
	void persistentTransientError_shouldFailAfterTheMaximumAttempts() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(1).latency(Duration.ofMillis(10)));
		JobsClient client = start(endpoint, 1, fastRetries(3));

		String id = client.submit("{\"input\":{\"_emulator\":{\"error\":\"InternalFailure\",\"times\":100,"
				+ "\"key\":\"" + endpoint + "\"}}}");
		JsonNode job = awaitTerminal(client, List.of(id), Duration.ofSeconds(60)).get(0);

		assertThat(job.get("status").asString()).isEqualTo("FAILED");
		assertThat(job.get("attempts").asInt()).isEqualTo(3);
		assertThat(job.get("error").get("message").asString()).contains("gave up after 3 attempts");
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isEqualTo(3);
	}

	@Test
	void cancel_shouldNeverInvokeAQueuedJob() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(1).latency(Duration.ofSeconds(2)));
		JobsClient client = start(endpoint, 1, Map.of("inferq.worker.concurrency.prefetch", "0"));
		String busy = client.submit("{\"input\":{\"n\":1}}");
		await().atMost(Duration.ofSeconds(10)).until(() -> "RUNNING".equals(client.get(busy).get("status").asString()));

		String queued = client.submit("{\"input\":{\"n\":2}}");
		JobsClient.Response cancelled = client.cancel(queued);

		assertThat(cancelled.status()).isEqualTo(200);
		awaitTerminal(client, List.of(busy), Duration.ofSeconds(30));
		JsonNode job = client.get(queued);
		assertThat(job.get("status").asString()).isEqualTo("CANCELLED");
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.aws.sageMaker().stats(endpoint).invocations() == 1);
		assertThat(client.cancel(queued).status()).isEqualTo(409);
	}

	@Test
	void unknownJob_shouldAnswer404() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(1).latency(Duration.ofMillis(10)));
		JobsClient client = start(endpoint, 1, Map.of());

		JobsClient.Response response = client.getAsync("AAAAAAAAAAAAAAAAAAAAAA").join();

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).startsWith("application/problem+json");
	}

	/**
	 * Runs jobs through a system of their own, so that the code they run is compiled
	 * before a measurement: a worker runs for days, and its first second, spent by a cold
	 * JVM compiling, says nothing about how it keeps instances busy.
	 */
	private void warmUp() {
		String endpoint = endpoint(EndpointSpec.builder(uniqueName()).instances(8).latency(Duration.ofMillis(10)));
		try (LocalSystem warmUp = LocalSystem.start(this.aws.springProperties(), endpoint, 8, Map.of())) {
			JobsClient client = warmUp.client();
			awaitTerminal(client, submit(client, 200, "{\"input\":{\"n\":0}}"), Duration.ofSeconds(60));
		}
	}

	private JobsClient start(String endpoint, int instances, Map<String, String> workerProperties) {
		this.system = LocalSystem.start(this.aws.springProperties(), endpoint, instances, workerProperties);
		return this.system.client();
	}

	private String endpoint(EndpointSpec.Builder spec) {
		EndpointSpec endpoint = spec.build();
		this.aws.sageMaker().define(endpoint);
		return endpoint.name();
	}

	private static Map<String, String> fastRetries(int maxAttempts) {
		return Map.of("inferq.worker.max-attempts", Integer.toString(maxAttempts), "inferq.worker.initial-backoff",
				"1s", "inferq.worker.max-backoff", "2s");
	}

	private static String uniqueName() {
		return "e2e-endpoint-" + endpoints.incrementAndGet();
	}

	static List<String> submit(JobsClient client, int count, String body) {
		List<CompletableFuture<JobsClient.Response>> responses = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			responses.add(client.submitAsync(body));
		}
		return responses.stream().map((response) -> {
			JobsClient.Response accepted = response.join();
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			return accepted.json().get("id").asString();
		}).toList();
	}

	/**
	 * Polls the API until every job is finished, as a client would: a finished job is not
	 * asked again, and a poll stops at the first job still under way.
	 */
	static List<JsonNode> awaitTerminal(JobsClient client, List<String> ids, Duration timeout) {
		List<JsonNode> finished = new ArrayList<>();
		await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
			while (finished.size() < ids.size()) {
				JsonNode job = client.get(ids.get(finished.size()));
				if (!TERMINAL.contains(job.get("status").asString())) {
					return false;
				}
				finished.add(job);
			}
			return true;
		});
		return finished;
	}

}
