package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.benchmarks.LocalSystem;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CLI against the real API and worker on the AWS stand-ins, nothing mocked: a crash
 * mid-enqueue, a rerun that must create no duplicate, and a wait for every result.
 */
class EnqueueEndToEndTest {

	private static final int LINES = 2000;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final LocalAws aws = LocalAws.shared();

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
	void enqueue_shouldMakeEachLineExactlyOneJobAcrossACrashAndReruns() throws Exception {
		EndpointSpec endpoint = EndpointSpec.builder("cli-e2e-endpoint")
			.instances(16)
			.latency(Duration.ofMillis(5))
			.build();
		this.aws.sageMaker().define(endpoint);
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint.name(), 16, Map.of());
		Path file = inputFile();
		List<String> enqueue = List.of("enqueue", file.toString(), "--api", this.system.apiUrl().toString(),
				"--api-key", this.system.apiKey(), "--chunk-size", "100", "--parallel", "4", "--progress", "plain");

		// A crash (as kill -9) once 5 chunks are accepted, with others in flight.
		Process crashed = startInAnotherJvm(plus(enqueue, "--crash-after-chunks", "5"));
		assertThat(crashed.waitFor(3, TimeUnit.MINUTES)).isTrue();
		assertThat(crashed.exitValue()).isEqualTo(137);
		System.out.println("Crashed run:\n" + Files.readString(this.directory.resolve("crashed.log")));
		assertThat(liveJobsByBatch()).isNotEmpty();

		// The same command again: the chunks accepted before are replayed, the rest sent.
		Run rerun = run(enqueue);
		System.out.println("Rerun:\n" + rerun.err());
		assertThat(rerun.exitCode()).as(rerun.err()).isZero();
		assertThat(rerun.err()).containsPattern("Enqueued 2,000/2,000 lines \\(([5-9]|1\\d|20)\\d\\d replayed\\)");
		List<String> batchIds = rerun.out().lines().toList();
		assertThat(batchIds).hasSize(20).doesNotHaveDuplicates();
		List<JsonNode> batches = new ArrayList<>();
		for (String batchId : batchIds) {
			batches.add(get("/v1/batches/" + batchId));
		}
		assertThat(batches).allSatisfy((batch) -> {
			assertThat(batch.get("status").asString()).isEqualTo("IN_PROGRESS");
			assertThat(batch.get("total").asLong()).isEqualTo(100);
			assertThat(batch.get("counts").get("queued").asLong()).isEqualTo(100);
		});
		// Nothing else will run: every job of the table is in these batches, or in a
		// batch
		// whose ingest the crash broke off, which failed and cancelled its jobs.
		Map<String, Long> jobsByBatch = liveJobsByBatch();
		assertThat(batchIds.stream().mapToLong((id) -> jobsByBatch.getOrDefault(id, 0L)).sum()).isEqualTo(LINES);
		List<String> others = jobsByBatch.keySet().stream().filter((id) -> !batchIds.contains(id)).toList();
		System.out.println("Batches with jobs besides the rerun's: " + others);
		for (String other : others) {
			JsonNode batch = get("/v1/batches/" + other);
			assertThat(batch.get("status").asString()).as(batch.toString()).isEqualTo("FAILED");
			assertThat(batch.get("counts").get("queued").asLong() + batch.get("counts").get("running").asLong())
				.as(batch.toString())
				.isZero();
		}

		// With a worker: once more, waiting, and every line's result written once.
		this.system.startWorker();
		Path results = this.directory.resolve("results.jsonl");
		Run waited = run(plus(enqueue, "--results", results.toString(), "--poll-interval", "500ms"));
		System.out.println("Waited:\n" + waited.err());
		assertThat(waited.exitCode()).as(waited.err()).isZero();
		assertThat(waited.out().lines()).containsExactlyElementsOf(batchIds);
		assertThat(waited.err()).contains("Finished 2,000/2,000 jobs (2,000 succeeded",
				"Wrote 2,000 results to " + results, "Done: 2,000 jobs, 2,000 succeeded");
		List<JsonNode> lines = Files.readAllLines(results).stream().map(mapper::readTree).toList();
		assertThat(lines).extracting((line) -> line.get("customId").asString())
			.containsExactlyElementsOf(expectedCustomIds());
		assertThat(lines).allSatisfy((line) -> {
			assertThat(line.get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(line.has("output")).as(line.toString()).isTrue();
		});
		assertThat(this.aws.sageMaker().stats(endpoint.name()).invocations()).isEqualTo(LINES);
	}

	@Test
	void enqueue_shouldWaitOutTheSameChunkInFlightAndEnqueueItOnceWhenThatBreaksOff() throws Exception {
		this.aws.sageMaker().define(EndpointSpec.builder("cli-e2e-endpoint-2").instances(1).build());
		Map<String, String> properties = new HashMap<>(this.aws.springProperties());
		properties.put("inferq.api.batches.lease", "3s");
		this.system = LocalSystem.startApi(properties, "cli-e2e-endpoint-2", 1, Map.of());
		Path file = inputFile(50);
		Chunk chunk;
		try (ChunkReader chunks = ChunkReader.open(file, 1000)) {
			chunk = chunks.next();
		}
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		CompletableFuture<Run> run;

		// An earlier run's request for the same chunk, still sending its body.
		try (Socket earlier = new Socket("127.0.0.1", this.system.apiUrl().getPort())) {
			OutputStream request = earlier.getOutputStream();
			request.write(("POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
					+ "Authorization: Bearer " + this.system.apiKey() + "\r\nIdempotency-Key: "
					+ chunk.idempotencyKey("") + "\r\nContent-Length: " + chunk.body().length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			request.write(chunk.body(), 0, chunk.body().length / 2);
			request.flush();
			await().atMost(Duration.ofSeconds(30)).until(() -> tableKeys().stream().anyMatch(this::isBatch));

			run = CompletableFuture
				.supplyAsync(
						() -> run(
								List.of("enqueue", file.toString(), "--api", this.system.apiUrl().toString(),
										"--api-key", this.system.apiKey(), "--progress", "plain", "--retry-for", "1m"),
								err));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> err.toString(StandardCharsets.UTF_8).contains("409 Request in progress"));
		}

		// Its connection dropped: that ingest fails, and the retry enqueues the chunk.
		Run enqueued = run.get(1, TimeUnit.MINUTES);
		System.out.println("Enqueued while the same chunk was in flight:\n" + enqueued.err());
		assertThat(enqueued.exitCode()).as(enqueued.err()).isZero();
		String batchId = enqueued.out().strip();
		JsonNode batch = get("/v1/batches/" + batchId);
		assertThat(batch.get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(batch.get("total").asLong()).isEqualTo(50);
		List<String> batches = tableKeys().stream()
			.filter(this::isBatch)
			.filter((key) -> !key.contains("#shard#"))
			.map((key) -> key.substring(JobTable.BATCH_KEY_PREFIX.length()))
			.toList();
		assertThat(batches).hasSize(2).contains(batchId);
		JsonNode broken = get("/v1/batches/" + batches.stream().filter((id) -> !id.equals(batchId)).findFirst().get());
		assertThat(broken.get("status").asString()).as(broken.toString()).isEqualTo("FAILED");
		assertThat(broken.get("counts").get("queued").asLong() + broken.get("counts").get("running").asLong())
			.as(broken.toString())
			.isZero();
	}

	private Path inputFile() throws IOException {
		return inputFile(LINES);
	}

	/** Lines without a customId, and every tenth line with one of its own. */
	private Path inputFile(int lines) throws IOException {
		StringBuilder text = new StringBuilder();
		for (int line = 1; line <= lines; line++) {
			text.append((line % 10 == 0) ? "{\"customId\":\"own-" + line + "\",\"input\":{\"n\":" + line + "}}"
					: "{\"n\":" + line + "}")
				.append('\n');
		}
		Path file = this.directory.resolve("input.jsonl");
		Files.writeString(file, text);
		return file;
	}

	private static List<String> expectedCustomIds() {
		return IntStream.rangeClosed(1, LINES)
			.mapToObj((line) -> (line % 10 == 0) ? "own-" + line : Integer.toString(line))
			.toList();
	}

	/** The job items of the system's table, counted by batch. */
	private Map<String, Long> liveJobsByBatch() {
		return tableKeys().stream()
			.filter((key) -> !key.contains("#"))
			.map((jobId) -> jobId.substring(0, jobId.lastIndexOf('-')))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	private boolean isBatch(String key) {
		return key.startsWith(JobTable.BATCH_KEY_PREFIX);
	}

	/**
	 * The keys of every item in the system's table: jobs, batches, idempotency records.
	 */
	private List<String> tableKeys() {
		String table = this.system.workerProperties().get("inferq.aws.table-name");
		try (DynamoDbClient dynamoDb = DynamoDbClient.builder()
			.endpointOverride(this.aws.dynamoDbEndpoint())
			.region(Region.of(this.aws.region()))
			.credentialsProvider(this.aws.credentialsProvider())
			.build()) {
			return dynamoDb
				.scanPaginator(ScanRequest.builder().tableName(table).projectionExpression(JobTable.KEY).build())
				.items()
				.stream()
				.map((item) -> item.get(JobTable.KEY))
				.map(AttributeValue::s)
				.toList();
		}
	}

	private JsonNode get(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.system.apiUrl() + path))
			.header("Authorization", "Bearer " + this.system.apiKey())
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return mapper.readTree(response.body());
	}

	private static Run run(List<String> args) {
		return run(args, new ByteArrayOutputStream());
	}

	private static Run run(List<String> args, ByteArrayOutputStream err) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int exitCode = new Inferq(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(args.toArray(String[]::new));
		return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private Process startInAnotherJvm(List<String> args) throws IOException {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Inferq.class.getName()));
		command.addAll(args);
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("crashed.log").toFile())
			.start();
	}

	private static List<String> plus(List<String> args, String... more) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of(more));
		return all;
	}

	private record Run(int exitCode, String out, String err) {

	}

}
