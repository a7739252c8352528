package io.inferq.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import io.inferq.worker.concurrency.LaneLimiter;
import io.inferq.worker.concurrency.Lane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interactive jobs overtake a bulk backlog: the worker serves its interactive lane first
 * and never lets the two lanes together exceed the endpoint's instances.
 */
class FairLanesTest {

	private static final int BULK_JOBS = 20_000;

	private static final int INSTANCES = 4;

	private static final Duration LATENCY = Duration.ofMillis(300);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void interactiveJob_shouldStartWithinAboutOneModelLatencyWhileBulkJobsWait() {
		EndpointSpec endpoint = EndpointSpec.builder("fair-lanes-endpoint")
			.instances(INSTANCES)
			.latency(LATENCY)
			.build();
		this.aws.sageMaker().define(endpoint);
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint.name(), INSTANCES, Map.of());
		try (SqsAsyncClient sqs = this.aws.configure(SqsAsyncClient.builder(), this.aws.sqsEndpoint()).build()) {
			enqueueBulk(sqs, this.system.workerProperties().get("inferq.aws.bulk-queue-name"));
		}
		this.system.startWorker();
		LaneLimiter limiter = this.system.workerBean(LaneLimiter.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> limiter.inUse(Lane.BULK) == INSTANCES);

		JobsClient client = this.system.client();
		String id = client.submit("{\"input\":{\"interactive\":true}}");
		JsonNode job = await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> client.get(id), (polled) -> "SUCCEEDED".equals(polled.get("status").asString()));

		// Submit to result, less its own invocation: how long it waited for an instance
		// behind 20,000 bulk jobs (which would take 25 minutes to drain).
		Duration waited = Duration
			.between(Instant.parse(job.get("createdAt").asString()), Instant.parse(job.get("finishedAt").asString()))
			.minus(LATENCY);
		System.out.printf("fair lanes: the interactive job waited %d ms for an instance behind %d bulk jobs%n",
				waited.toMillis(), BULK_JOBS);
		assertThat(waited).isLessThan(LATENCY.plusMillis(300));
		EndpointStats stats = this.aws.sageMaker().stats(endpoint.name());
		assertThat(stats.maxInFlight()).isEqualTo(INSTANCES);
		assertThat(stats.invocations()).isLessThan(BULK_JOBS / 10);
	}

	/** Writes the bulk jobs straight to the bulk lane's queue, as a batch system may. */
	private static void enqueueBulk(SqsAsyncClient sqs, String queueName) {
		String queueUrl = sqs.getQueueUrl((request) -> request.queueName(queueName)).join().queueUrl();
		Semaphore inFlight = new Semaphore(32);
		List<CompletableFuture<?>> sends = new ArrayList<>();
		for (int first = 0; first < BULK_JOBS; first += 10) {
			List<SendMessageBatchRequestEntry> entries = IntStream.range(first, first + 10)
				.mapToObj((n) -> SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(n))
					.messageBody("{\"jobId\":\"fair-lanes-bulk-" + n + "\",\"input\":{\"n\":" + n + "}}")
					.build())
				.toList();
			inFlight.acquireUninterruptibly();
			sends.add(sqs.sendMessageBatch((request) -> request.queueUrl(queueUrl).entries(entries))
				.whenComplete((response, failure) -> inFlight.release())
				.thenAccept((response) -> assertThat(response.failed()).isEmpty()));
		}
		CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
	}

}
