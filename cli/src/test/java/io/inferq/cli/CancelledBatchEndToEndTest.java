package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.inferq.benchmarks.LocalSystem;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CLI waiting for batches that are cancelled while it waits, against the real API and
 * worker on the AWS stand-ins: its summary and its results are the batches' end state, as
 * the API shows it afterwards, never the state at the cancel. About 15 s (60 s on a cold,
 * loaded machine).
 */
class CancelledBatchEndToEndTest {

	private static final int LINES = 100;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path directory;

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void enqueueWithResults_shouldReportTheEndStateOfBatchesCancelledWhileItWaits() throws Exception {
		LocalAws aws = LocalAws.shared();
		EndpointSpec endpoint = EndpointSpec.builder("cli-cancel-endpoint")
			.instances(2)
			.latency(Duration.ofMillis(200))
			.build();
		aws.sageMaker().define(endpoint);
		this.system = LocalSystem.start(aws.springProperties(), endpoint.name(), 2, Map.of());
		Path file = this.directory.resolve("in.jsonl");
		Files.writeString(file, ChunkReaderTest.lines(LINES));
		Path results = this.directory.resolve("results.jsonl");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();

		CompletableFuture<Integer> waiting = CompletableFuture
			.supplyAsync(() -> inferq(out, err).run("enqueue", file.toString(), "--api",
					this.system.apiUrl().toString(), "--api-key", this.system.apiKey(), "--chunk-size", "50",
					"--results", results.toString(), "--poll-interval", "200ms", "--progress", "plain"));
		List<String> batchIds = await().atMost(Duration.ofSeconds(30))
			.until(() -> out.toString(StandardCharsets.UTF_8).lines().toList(), (ids) -> ids.size() == 2);
		await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(batchIds) >= 2);
		ByteArrayOutputStream cancelled = new ByteArrayOutputStream();
		ByteArrayOutputStream cancelErr = new ByteArrayOutputStream();
		// "--" as a script would write it (BatchEndStateTest: IDs that begin with '-').
		assertThat(inferq(cancelled, cancelErr).run(plus(
				List.of("cancel", "--api", this.system.apiUrl().toString(), "--api-key", this.system.apiKey(), "--"),
				batchIds)))
			.as(cancelErr.toString(StandardCharsets.UTF_8))
			.isZero();
		assertThat(cancelErr.toString(StandardCharsets.UTF_8)).contains("cancelled: its");

		int exitCode = waiting.get(90, TimeUnit.SECONDS);
		String progress = err.toString(StandardCharsets.UTF_8);
		System.out.println("Waited, the batches cancelled meanwhile:\n" + progress);
		assertThat(exitCode).as(progress).isEqualTo(Inferq.JOBS_FAILED);

		// The batches as the API shows them now: ended, and exactly what the CLI said.
		List<JsonNode> batches = new ArrayList<>();
		for (String batchId : batchIds) {
			batches.add(get("/v1/batches/" + batchId));
		}
		assertThat(batches).allSatisfy((batch) -> {
			assertThat(batch.get("status").asString()).isEqualTo("CANCELLED");
			assertThat(batch.get("counts").get("queued").asLong() + batch.get("counts").get("running").asLong())
				.as(batch.toString())
				.isZero();
		});
		long succeeded = sum(batches, "succeeded");
		long cancelledJobs = sum(batches, "cancelled");
		assertThat(cancelledJobs).isPositive();
		assertThat(succeeded + sum(batches, "failed") + cancelledJobs + sum(batches, "expired")).isEqualTo(LINES);
		assertThat(progress)
			.contains(String.format(Locale.ROOT, "Done: %d jobs, %d succeeded, %d failed, %d cancelled, %d expired.",
					LINES, succeeded, sum(batches, "failed"), cancelledJobs, sum(batches, "expired")));

		// Every line of the results is a job that has ended, as many of each as counted.
		Map<String, Long> byStatus = Files.readAllLines(results)
			.stream()
			.map((line) -> mapper.readTree(line).get("status").asString())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(byStatus).containsOnlyKeys("SUCCEEDED", "CANCELLED")
			.containsEntry("SUCCEEDED", succeeded)
			.containsEntry("CANCELLED", cancelledJobs);
	}

	private long succeeded(List<String> batchIds) throws IOException, InterruptedException {
		long succeeded = 0;
		for (String batchId : batchIds) {
			succeeded += get("/v1/batches/" + batchId).get("counts").get("succeeded").asLong();
		}
		return succeeded;
	}

	private static long sum(List<JsonNode> batches, String count) {
		return batches.stream().mapToLong((batch) -> batch.get("counts").get(count).asLong()).sum();
	}

	private JsonNode get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.system.apiUrl() + path))
			.header("Authorization", "Bearer " + this.system.apiKey())
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return mapper.readTree(response.body());
	}

	private static Inferq inferq(ByteArrayOutputStream out, ByteArrayOutputStream err) {
		return new Inferq(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private static String[] plus(List<String> first, List<String> then, String... more) {
		List<String> all = new ArrayList<>(first);
		all.addAll(then);
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

}
