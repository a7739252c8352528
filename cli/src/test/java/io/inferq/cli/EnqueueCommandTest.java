package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.inferq.cli.StubApi.Answer;
import io.inferq.cli.StubApi.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's behaviour against an HTTP stand-in for the batches API: what it sends,
 * retries, replays and answers with.
 */
class EnqueueCommandTest {

	@TempDir
	Path directory;

	private StubApi api;

	private Path file;

	private String out;

	private String err;

	@BeforeEach
	void start() throws IOException {
		this.api = new StubApi();
		this.file = this.directory.resolve("in.jsonl");
		Files.writeString(this.file, ChunkReaderTest.lines(25));
	}

	@AfterEach
	void stop() {
		this.api.close();
	}

	@Test
	void enqueue_shouldSendEachChunkAsAnNdjsonBatchWithItsKeyAndPrintTheBatchIds() {
		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "10", "--parallel", "1");

		assertThat(exitCode).isZero();
		List<Request> posts = posts();
		assertThat(posts).hasSize(3);
		assertThat(posts).allSatisfy((post) -> {
			assertThat(post.contentType()).isEqualTo("application/x-ndjson");
			assertThat(post.idempotencyKey()).matches("inferq-cli-[0-9a-f]{64}");
		});
		assertThat(posts).extracting(Request::idempotencyKey).doesNotHaveDuplicates();
		assertThat(posts.get(2).lines()).containsExactly("{\"customId\":\"21\",\"input\":{\"n\":21}}",
				"{\"customId\":\"22\",\"input\":{\"n\":22}}", "{\"customId\":\"23\",\"input\":{\"n\":23}}",
				"{\"customId\":\"24\",\"input\":{\"n\":24}}", "{\"customId\":\"25\",\"input\":{\"n\":25}}");
		assertThat(this.out.lines()).containsExactly("b1", "b2", "b3");
		assertThat(this.err).contains("Enqueued 25/25 lines");
	}

	@Test
	void enqueue_shouldCreateNothingWhenRunAgain() {
		run("enqueue", this.file.toString(), "--chunk-size", "10", "--parallel", "1");
		List<String> firstKeys = posts().stream().map(Request::idempotencyKey).toList();

		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "10", "--parallel", "1");

		assertThat(exitCode).isZero();
		assertThat(posts().stream().map(Request::idempotencyKey).skip(3)).containsExactlyElementsOf(firstKeys);
		assertThat(this.api.batchesCreated()).isEqualTo(3);
		assertThat(this.err).contains("(25 replayed)");
		assertThat(this.out.lines()).containsExactly("b1", "b2", "b3");
	}

	@Test
	void enqueue_shouldSendOnlyTheRestWhenResumedAfterAnInterruption() {
		run("enqueue", this.file.toString(), "--chunk-size", "10", "--parallel", "1", "--max-chunks", "2");
		assertThat(this.api.customIds()).hasSize(20);

		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "10", "--parallel", "1");

		assertThat(exitCode).isZero();
		assertThat(this.api.customIds()).hasSize(25).doesNotHaveDuplicates();
		assertThat(this.err).contains("Enqueued 25/25 lines (20 replayed)");
	}

	@Test
	void enqueue_shouldRetryWhileTheApiIsUnavailableBusyOrStillEnqueueingTheKey() {
		this.api.thenAnswer(
				(request) -> Answer.problem(503, "Service Unavailable", "SQS is down").header("Retry-After", "0"));
		this.api.thenAnswer((request) -> Answer.problem(429, "Too Many Requests", "slow down"));
		this.api
			.thenAnswer((request) -> Answer.problem(409, "Conflict", "still enqueueing").header("Retry-After", "0"));

		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "100");

		assertThat(exitCode).isZero();
		assertThat(posts()).hasSize(4)
			.extracting(Request::idempotencyKey)
			.containsOnly(posts().get(0).idempotencyKey());
		assertThat(this.err).contains("Retrying lines 1-25", "503 Service Unavailable: SQS is down",
				"429 Too Many Requests", "409 Conflict");
		assertThat(this.api.customIds()).hasSize(25);
	}

	@Test
	void enqueue_shouldStopWithTheFileLineTheApiRefused() throws IOException {
		Files.writeString(this.file, "1\n2\n\n3\n4\n");
		this.api.thenAnswer((request) -> Answer.json(202, "{\"id\":\"b1\",\"status\":\"IN_PROGRESS\",\"total\":2}"));
		this.api.thenAnswer((request) -> Answer.problem(400, "Bad Request", "Line 2: input is too large"));

		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "2", "--parallel", "1");

		assertThat(exitCode).isEqualTo(2);
		assertThat(this.err).contains("Error: Line 5 rejected (400 Bad Request): Line 5: input is too large");
		assertThat(posts()).hasSize(2);
	}

	@Test
	void enqueue_shouldSendNothingWhenALineIsNotJson() throws IOException {
		Files.writeString(this.file, "{\"a\":1}\n{\"a\":\n");

		int exitCode = run("enqueue", this.file.toString());

		assertThat(exitCode).isEqualTo(2);
		assertThat(this.err).startsWith("Error: Line 2: not JSON");
		assertThat(this.api.requests()).isEmpty();
	}

	@Test
	void enqueue_ofAFileWithNothingToSend_saysSoInOneLine_withoutTheUsage() throws IOException {
		Files.writeString(this.file, "\n  \n");

		int exitCode = run("enqueue", this.file.toString());

		assertThat(exitCode).isEqualTo(2);
		assertThat(this.err.toString().strip())
			.isEqualTo("Error: " + this.file + " has no lines to enqueue (blank lines are skipped)");
		assertThat(this.api.requests()).isEmpty();
	}

	@Test
	void enqueue_shouldExitWith3WhenTheApiIsUnreachable() {
		int port = this.api.url().getPort();
		this.api.close();

		int exitCode = run("enqueue", this.file.toString(), "--api", "http://127.0.0.1:" + port, "--retry-for", "1s");

		assertThat(exitCode).isEqualTo(3);
		assertThat(this.err).contains("Error: Gave up on lines 1-25", "connection refused");
	}

	@Test
	void enqueue_shouldWaitForTheBatchesAndWriteEveryResultOnce() throws IOException {
		Path results = this.directory.resolve("out.jsonl");

		int exitCode = run("enqueue", this.file.toString(), "--chunk-size", "10", "--results", results.toString(),
				"--poll-interval", "10ms");

		assertThat(exitCode).isZero();
		List<String> lines = Files.readAllLines(results);
		assertThat(lines).hasSize(25).allSatisfy((line) -> assertThat(line).contains("\"status\":\"SUCCEEDED\""));
		assertThat(lines).extracting((line) -> line.replaceAll("^\\{\"customId\":\"(\\d+)\".*", "$1"))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 25).mapToObj(Integer::toString).toList());
		assertThat(results.resolveSibling("out.jsonl.part")).doesNotExist();
		assertThat(this.err).contains("Finished 25/25 jobs (25 succeeded", "Wrote 25 results to " + results,
				"Done: 25 jobs, 25 succeeded, 0 failed");
	}

	@Test
	void enqueue_shouldExitWith1WhenSomeJobsFailed() {
		this.api.jobsEndAs((customId) -> customId.equals("7") ? "FAILED" : "SUCCEEDED");

		int exitCode = run("enqueue", this.file.toString(), "--wait", "--poll-interval", "10ms");

		assertThat(exitCode).isEqualTo(1);
		assertThat(this.err).contains("Done: 25 jobs, 24 succeeded, 1 failed");
	}

	@Test
	void status_shouldPrintTheBatchAndExitWith2WhenThereIsNone() {
		run("enqueue", this.file.toString());

		assertThat(run("status", "b1")).isZero();
		assertThat(this.out).startsWith("{\"id\":\"b1\",\"status\":\"COMPLETED\",\"total\":25");
		assertThat(run("status", "nope")).isEqualTo(2);
		assertThat(this.err).contains("404 Not Found: No batch /v1/batches/nope");
	}

	@Test
	void results_shouldStreamTheResultsToStdout() {
		run("enqueue", this.file.toString(), "--chunk-size", "20");

		assertThat(run("results", "b1", "b2")).isZero();
		assertThat(this.out.lines()).hasSize(25);
	}

	@Test
	void results_shouldFetchABatchAgainWhenItsResultsBrokeOffOrEndedShort() throws IOException {
		run("enqueue", this.file.toString(), "--chunk-size", "20", "--parallel", "1");
		this.api.thenAnswer((request) -> request.path().endsWith("/results"),
				(request) -> Answer.brokenOff("{\"customId\":\"1\",\"status\":\"SUCCEEDED\"}\n{\"custo"));
		this.api.thenAnswer((request) -> request.path().endsWith("/results"), (request) -> new Answer(200,
				Map.of("Content-Type", BatchesClient.NDJSON), "{\"customId\":\"1\",\"status\":\"SUCCEEDED\"}\n"));
		Path results = this.directory.resolve("out.jsonl");

		assertThat(run("results", "b1", "b2", "-o", results.toString())).isZero();

		assertThat(Files.readAllLines(results)).hasSize(25)
			.doesNotHaveDuplicates()
			.allMatch((line) -> line.endsWith("}"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"customId\":\"1\",\"output\":{\n  \"pretty\": true\n}}\n",
			"{\"customId\":\"1\"} {\"customId\":\"2\"}\n", "[1, 2]\n", "not json\n",
			"{\"customId\":\"1\",\"output\":\"\u00ff\n" })
	void results_shouldRefuseAnExportThatIsNotOneJsonObjectPerLine(String export) {
		run("enqueue", this.file.toString());
		this.api.thenAnswer((request) -> request.path().endsWith("/results"),
				(request) -> new Answer(200, Map.of("Content-Type", BatchesClient.NDJSON), export));
		Path out = this.directory.resolve("out.jsonl");

		assertThat(run("results", "b1", "-o", out.toString())).isEqualTo(2);
		assertThat(this.err)
			.contains("Error: The results of batch b1 are not valid NDJSON: line 1 is not one JSON object");
		assertThat(out).doesNotExist();
		assertThat(this.api.requests()).filteredOn((request) -> request.path().endsWith("/results")).hasSize(1);
	}

	@Test
	void results_shouldExitWith3WhenTheResultsStayIncomplete() {
		run("enqueue", this.file.toString());
		for (int i = 0; i < 3; i++) {
			this.api.thenAnswer((request) -> request.path().endsWith("/results"), (request) -> new Answer(200,
					Map.of("Content-Type", BatchesClient.NDJSON), "{\"customId\":\"1\",\"status\":\"SUCCEEDED\"}\n"));
		}

		assertThat(run("results", "b1", "-o", this.directory.resolve("out.jsonl").toString())).isEqualTo(3);
		assertThat(this.err).contains("Error: The results of batch b1 ended after 1 of 25 lines");
		assertThat(this.directory.resolve("out.jsonl")).doesNotExist();
	}

	@Test
	void cancel_shouldPrintTheCancelledBatch() {
		run("enqueue", this.file.toString());

		assertThat(run("cancel", "b1")).isZero();
		assertThat(this.out).contains("\"status\":\"CANCELLED\"");
	}

	@Test
	void cancel_shouldNotRetryABatchThatHasEnded() {
		this.api.thenAnswer((request) -> Answer.problem(409, "Batch not cancellable", "The batch is COMPLETED"));

		assertThat(run("cancel", "b1")).isEqualTo(2);
		assertThat(this.err).contains("Error: 409 Batch not cancellable: The batch is COMPLETED")
			.doesNotContain("Retrying");
	}

	@Test
	void enqueue_shouldExitWith2OnBadOptions() {
		assertThat(run("enqueue", this.file.toString(), "--chunk-size", "0")).isEqualTo(2);
		assertThat(this.err).contains("--chunk-size must be at least 1");
		assertThat(run("enqueue", this.file.toString(), "--poll-interval", "soon")).isEqualTo(2);
		assertThat(run("enqueue")).isEqualTo(2);
		assertThat(run("enqueue", this.directory.resolve("missing.jsonl").toString())).isEqualTo(2);
		assertThat(this.err).contains("no such file");
	}

	private int run(String... args) {
		List<String> arguments = new ArrayList<>(List.of(args));
		if (arguments.stream().noneMatch((arg) -> arg.equals("--api"))) {
			arguments.add("--api");
			arguments.add(this.api.url().toString());
		}
		if (arguments.get(0).equals("enqueue")) {
			arguments.add("--progress");
			arguments.add("plain");
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exitCode = new Inferq(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(arguments.toArray(String[]::new));
		this.out = out.toString(StandardCharsets.UTF_8);
		this.err = err.toString(StandardCharsets.UTF_8);
		return exitCode;
	}

	private List<Request> posts() {
		return this.api.requests().stream().filter((request) -> request.method().equals("POST")).toList();
	}

}
