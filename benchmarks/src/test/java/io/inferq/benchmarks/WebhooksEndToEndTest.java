package io.inferq.benchmarks;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Completion webhooks end to end, with workers as real processes: 100 jobs and a batch of
 * 20 report to a receiver that fails the first two deliveries of every event. The first
 * worker halts (as SIGKILL) right after storing its 30th outcome, before queuing its
 * event, with other deliveries in flight; a second worker's sweeper and listener deliver
 * everything: each event at least once, every signature valid. A callback that redirects
 * is not followed. Budget: 60 s.
 */
class WebhooksEndToEndTest {

	private static final Logger logger = LoggerFactory.getLogger(WebhooksEndToEndTest.class);

	private static final int JOBS = 100;

	private static final int BATCH_ITEMS = 20;

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@TempDir
	Path logs;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void everyEvent_isDeliveredSignedAtLeastOnce_throughFailuresAndAWorkerKilledAfterItsOutcomeWrite()
			throws Exception {
		String endpoint = Workloads.echoEndpoint(this.aws, "hooks", 4, Duration.ofMillis(20));
		Map<String, String> shared = new HashMap<>(this.aws.springProperties());
		shared.put("inferq.api.webhooks.allowed-addresses", "127.0.0.1/32");
		Map<String, String> worker = new HashMap<>(Workloads.shortLease());
		worker.put("inferq.worker.webhooks.allowed-addresses", "127.0.0.1/32");
		worker.put("inferq.worker.webhooks.timeout", "2s");
		worker.put("inferq.worker.webhooks.initial-backoff", "1s");
		worker.put("inferq.worker.webhooks.max-backoff", "1s");
		worker.put("inferq.worker.webhooks.sweep-interval", "1s");
		worker.put("inferq.worker.webhooks.sweep-after", "2s");
		this.system = LocalSystem.startApi(shared, endpoint, 4, worker);
		JobsClient client = this.system.client();
		String secret = client.exchange(HttpRequest.newBuilder().GET(), "/v1/webhook").json().get("secret").asString();

		try (WebhookReceiver receiver = new WebhookReceiver(secret, 2)) {
			String callback = receiver.url("/hook");
			List<String> jobs = IntStream.range(0, JOBS)
				.mapToObj((n) -> client
					.submitAsync("{\"input\": {\"n\": " + n + "}, \"callbackUrl\": \"" + callback + "\"}"))
				.toList()
				.stream()
				.map((response) -> response.join().json().get("id").asString())
				.toList();
			String redirected = client
				.submit("{\"input\": {\"n\": -1}, \"callbackUrl\": \"" + receiver.url("/redirect") + "\"}");
			String batchItems = IntStream.range(0, BATCH_ITEMS)
				.mapToObj((n) -> "{\"customId\": \"b" + n + "\", \"input\": {\"n\": " + n + "}}")
				.collect(Collectors.joining("\n"));
			JobsClient.Response batch = client.exchange(
					HttpRequest.newBuilder()
						.header("Content-Type", "application/x-ndjson")
						.POST(HttpRequest.BodyPublishers.ofString(batchItems)),
					"/v1/batches?callbackUrl=" + URLEncoder.encode(callback, StandardCharsets.UTF_8));
			assertThat(batch.status()).as(batch.body()).isEqualTo(202);
			String batchId = batch.json().get("id").asString();

			Map<String, String> halting = new HashMap<>(this.system.workerProperties());
			halting.put("inferq.worker.webhooks.halt-after-outcomes", "30");
			// Both start at once (a JVM start is the slowest part here); the first halts
			// after its 30th outcome, whose event only the second's sweeper can send.
			try (WorkerProcess first = WorkerProcess.start(halting, this.logs.resolve("first.log"));
					WorkerProcess second = WorkerProcess.start(this.system.workerProperties(),
							this.logs.resolve("second.log"))) {
				await().atMost(Duration.ofSeconds(40)).until(() -> !first.isAlive());
				List<String> expected = new ArrayList<>(jobs.stream().map((id) -> "evt_job_" + id).toList());
				expected.add("evt_batch_" + batchId);
				await().atMost(Duration.ofSeconds(45))
					.pollInterval(Duration.ofMillis(200))
					.until(() -> receiver.delivered().keySet().containsAll(expected));
				assertThat(receiver.hits("/redirect")).as("the redirecting callback was tried").isPositive();
				assertThat(receiver.hits("/after-redirect")).as("redirects are not followed").isZero();
				assertThat(receiver.badSignatures()).isEmpty();
				assertThat(receiver.delivered()).doesNotContainKey("evt_job_" + redirected);

				JsonNode batchEvent = JobsClient.mapper().readTree(receiver.body("evt_batch_" + batchId));
				assertThat(batchEvent.get("type").asString()).isEqualTo("batch.completed");
				assertThat(batchEvent.get("data").get("counts").get("succeeded").asInt()).isEqualTo(BATCH_ITEMS);
				JsonNode jobEvent = JobsClient.mapper().readTree(receiver.body("evt_job_" + jobs.get(0)));
				assertThat(jobEvent.get("type").asString()).isEqualTo("job.succeeded");
				report(client, jobs, receiver);
				assertThat(receiver.attempts().get("evt_batch_" + batchId)).as("one look at the batch sends its event")
					.isBetween(3, 4);
			}
		}
	}

	/** Delivery latency (the job's end to the first 2xx) and deliveries per event. */
	private static void report(JobsClient client, List<String> jobs, WebhookReceiver receiver) {
		List<Long> latencies = new ArrayList<>();
		for (String id : jobs) {
			Instant finished = Instant.parse(client.get(id).get("finishedAt").asString());
			latencies.add(Duration.between(finished, receiver.delivered().get("evt_job_" + id)).toMillis());
		}
		latencies.sort(null);
		Map<String, Integer> attempts = receiver.attempts();
		double perEvent = attempts.values().stream().mapToInt(Integer::intValue).average().orElse(0);
		int most = attempts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
		logger.info(
				"Webhooks: {} events delivered, {} deliveries per event on average (2 refused by the receiver "
						+ "each), {} at most; job end to first 2xx: median {} ms, p90 {} ms, max {} ms",
				attempts.size(), String.format("%.2f", perEvent), most, latencies.get(latencies.size() / 2),
				latencies.get(latencies.size() * 9 / 10), latencies.get(latencies.size() - 1),
				attempts.values().stream().collect(Collectors.groupingBy((count) -> count, Collectors.counting())));
		assertThat(attempts.values()).allMatch((count) -> count >= 3);
	}

}
