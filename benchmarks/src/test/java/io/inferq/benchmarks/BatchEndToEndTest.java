package io.inferq.benchmarks;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batches through the whole system: enqueued through the API's bulk lane, run by the
 * worker, counted as they go, exported; and cancelled, which the workers carry out.
 */
class BatchEndToEndTest {

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void batch_shouldRunEveryItemOnceAndCountItUntilCompleted() {
		String endpoint = Workloads.endpoint(this.aws, "batch-e2e", 4, Duration.ofMillis(20));
		this.system = LocalSystem.start(this.aws.springProperties(), endpoint, 4, Map.of());
		JobsClient client = this.system.client();

		JobsClient.Response accepted = client.submitBatch(items(300,
				"{\"_emulator\":{\"error\":\"ModelError\"," + "\"originalStatusCode\":400,\"message\":\"refused\"}}",
				7));

		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
		String id = accepted.json().get("id").asString();
		JsonNode batch = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.getBatch(id), (polled) -> "COMPLETED".equals(polled.get("status").asString()));
		JsonNode counts = batch.get("counts");
		assertThat(batch.get("total").asLong()).isEqualTo(300);
		assertThat(counts.get("succeeded").asLong()).isEqualTo(300 - 300 / 7 - 1);
		assertThat(counts.get("failed").asLong()).isEqualTo(300 / 7 + 1);
		assertThat(counts.get("queued").asLong() + counts.get("running").asLong()).isZero();
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isEqualTo(300);

		List<JsonNode> results = ndjson(
				client.exchange(HttpRequest.newBuilder().GET(), "/v1/batches/" + id + "/results").body());
		assertThat(results).hasSize(300);
		assertThat(results.stream().map((line) -> line.get("customId").asString()).distinct()).hasSize(300);
		assertThat(results).filteredOn((line) -> line.get("status").asString().equals("FAILED"))
			.allSatisfy((line) -> assertThat(line.get("error").get("message").asString()).contains("refused"));
	}

	@Test
	void cancelledBatch_shouldNeverInvokeItsJobsThatHaveNotStarted() {
		String endpoint = Workloads.endpoint(this.aws, "batch-cancel-e2e", 1, Duration.ofMillis(500));
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 1, Map.of());
		JobsClient client = this.system.client();
		String id = client.submitBatch(items(100, null, 0)).json().get("id").asString();

		JobsClient.Response cancelled = client.exchange(HttpRequest.newBuilder().DELETE(), "/v1/batches/" + id);
		this.system.startWorker();

		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
		JsonNode batch = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.getBatch(id), (polled) -> polled.get("counts").get("cancelled").asLong() == 100);
		assertThat(batch.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isZero();
	}

	/**
	 * {@code count} NDJSON items; every {@code every}-th (from the first) has
	 * {@code special} as its input.
	 */
	private static String items(int count, String special, int every) {
		return IntStream.range(0, count)
			.mapToObj((n) -> "{\"customId\":\"item-" + n + "\",\"input\":"
					+ ((special != null && n % every == 0) ? special : "{\"n\":" + n + "}") + "}")
			.collect(Collectors.joining("\n"));
	}

	private static List<JsonNode> ndjson(String body) {
		return Arrays.stream(body.split("\n"))
			.filter((line) -> !line.isBlank())
			.map((line) -> JobsClient.mapper().readTree(line))
			.toList();
	}

}
