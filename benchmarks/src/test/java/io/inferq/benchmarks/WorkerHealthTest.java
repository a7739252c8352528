package io.inferq.benchmarks;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;

import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's own HTTP port: health for the orchestrator, metrics for the operator.
 */
class WorkerHealthTest {

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void readiness_shouldFollowTheQueueListeners() {
		JobsClient worker = start();

		JobsClient.Response ready = worker.exchange(HttpRequest.newBuilder().GET(), "/actuator/health/readiness");
		assertThat(ready.status()).as(ready.body()).isEqualTo(200);
		JsonNode listeners = ready.json().at("/components/sqsListeners");
		assertThat(listeners.get("status").asString()).isEqualTo("UP");
		assertThat(listeners.at("/details/listeners/interactive").asString()).isEqualTo("running");
		assertThat(listeners.at("/details/listeners/bulk").asString()).isEqualTo("running");

		this.system.workerBean(MessageListenerContainerRegistry.class).getContainerById("bulk").stop();

		JobsClient.Response notReady = worker.exchange(HttpRequest.newBuilder().GET(), "/actuator/health/readiness");
		assertThat(notReady.status()).as(notReady.body()).isEqualTo(503);
		assertThat(notReady.json().at("/components/sqsListeners/details/listeners/bulk").asString())
			.isEqualTo("stopped");
		JobsClient.Response live = worker.exchange(HttpRequest.newBuilder().GET(), "/actuator/health/liveness");
		assertThat(live.status()).as("a worker that stopped receiving is not restarted for it").isEqualTo(200);
	}

	@Test
	void metrics_shouldShowTheInvocationsInFlightPerLane() {
		JobsClient worker = start();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			JobsClient.Response capacity = worker.exchange(HttpRequest.newBuilder().GET(),
					"/actuator/metrics/inferq.worker.budget.capacity");
			assertThat(capacity.status()).as(capacity.body()).isEqualTo(200);
			assertThat(capacity.json().at("/measurements/0/value").asDouble()).isEqualTo(2.0);
		});
		JobsClient.Response share = worker.exchange(HttpRequest.newBuilder().GET(),
				"/actuator/metrics/inferq.worker.invocations.limit");
		assertThat(share.status()).as("this worker's share, 0 while it has nothing to do").isEqualTo(200);
		JobsClient.Response inFlight = worker.exchange(HttpRequest.newBuilder().GET(),
				"/actuator/metrics/inferq.worker.invocations.in-flight?tag=lane:bulk");
		assertThat(inFlight.status()).as(inFlight.body()).isEqualTo(200);
	}

	private JobsClient start() {
		String endpoint = Workloads.endpoint(this.aws, "health", 2, Duration.ofMillis(10));
		this.system = LocalSystem.start(this.aws.springProperties(), endpoint, 2, Map.of());
		return new JobsClient(this.system.workerUrl());
	}

}
