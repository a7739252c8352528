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
import io.inferq.cli.StubApi.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the client reports as a batch's end: never a state that can still change. A
 * cancelled batch's status is final at once, its jobs only as the workers reach them.
 */
class BatchEndStateTest {

	private static final int LINES = 25;

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
		Files.writeString(this.file, ChunkReaderTest.lines(LINES));
	}

	@AfterEach
	void stop() {
		this.api.close();
	}

	@Test
	void enqueue_shouldReportACancelledBatchOnlyOnceEveryJobOfItHasEnded() throws IOException {
		this.api.batchesProgress(BatchEndStateTest::cancelledAtSecondPoll);
		Path results = this.directory.resolve("out.jsonl");

		int exitCode = run("enqueue", this.file.toString(), "--results", results.toString(), "--poll-interval", "10ms",
				"--progress", "plain");

		assertThat(exitCode).as(this.err).isEqualTo(Inferq.JOBS_FAILED);
		assertThat(this.err).contains("Done: 25 jobs, 7 succeeded, 0 failed, 18 cancelled, 0 expired.");
		List<String> lines = Files.readAllLines(results);
		assertThat(lines).hasSize(LINES);
		assertThat(lines).filteredOn((line) -> line.contains("\"status\":\"SUCCEEDED\"")).hasSize(7);
		assertThat(lines).filteredOn((line) -> line.contains("\"status\":\"CANCELLED\"")).hasSize(18);
		// The end state above comes from the batch's reads, none after it ended.
		assertThat(batchGets()).isBetween(2L, 3L);
	}

	@Test
	void results_shouldRefuseABatchThatHasNotEndedWithExitCode5AndWriteNothing() {
		run("enqueue", this.file.toString());
		this.api.batchesProgress((poll, customIds) -> new State("IN_PROGRESS", statuses(customIds, 0, 2)));
		Path results = this.directory.resolve("out.jsonl");

		assertThat(run("results", "b1")).isEqualTo(Inferq.NOT_ENDED);
		assertThat(this.out).isEmpty();
		assertThat(this.err).contains("Error: Batch b1 has not ended (IN_PROGRESS, 23 queued, 2 running, 0 of 25 "
				+ "jobs ended): its results are not final. Wait for it with 'inferq results --wait b1'");
		assertThat(run("results", "b1", "-o", results.toString())).isEqualTo(Inferq.NOT_ENDED);
		assertThat(results).doesNotExist();
		assertThat(this.api.requests()).noneMatch((request) -> request.path().endsWith("/results"));
	}

	@Test
	void results_shouldRefuseACancelledBatchWhoseJobsHaveNotAllEnded() {
		run("enqueue", this.file.toString());
		this.api.batchesProgress((poll, customIds) -> new State("CANCELLED", statuses(customIds, 5, 2)));

		assertThat(run("results", "b1")).isEqualTo(Inferq.NOT_ENDED);
		assertThat(this.err).contains("Batch b1 has not ended (CANCELLED, 18 queued, 2 running, 5 of 25 jobs ended)");
	}

	@Test
	void results_shouldWaitForTheEndWhenAskedTo_andExitAsEnqueueDoes() throws IOException {
		run("enqueue", this.file.toString());
		this.api.batchesProgress(BatchEndStateTest::cancelledAtSecondPoll);
		Path results = this.directory.resolve("out.jsonl");

		// Cancelled jobs: not every job succeeded.
		assertThat(run("results", "b1", "--wait", "--poll-interval", "10ms", "-o", results.toString()))
			.isEqualTo(Inferq.JOBS_FAILED);
		assertThat(this.err).contains("Done: " + LINES + " jobs, ");
		assertThat(Files.readAllLines(results)).hasSize(LINES)
			.allMatch((line) -> line.contains("\"status\":\"SUCCEEDED\"") || line.contains("\"status\":\"CANCELLED\""));
	}

	@Test
	void results_shouldRefuseResultsWithAJobThatHasNotEndedThoughTheBatchHas() {
		run("enqueue", this.file.toString());
		this.api.thenAnswer((request) -> request.path().endsWith("/results"),
				(request) -> new Answer(200, Map.of("Content-Type", BatchesClient.NDJSON),
						"{\"customId\":\"1\",\"status\":\"SUCCEEDED\"}\n{\"customId\":\"2\",\"status\":\"QUEUED\"}\n"));
		Path results = this.directory.resolve("out.jsonl");

		assertThat(run("results", "b1", "-o", results.toString())).isEqualTo(Inferq.NOT_ENDED);
		assertThat(this.err)
			.contains("Line 2 of the results of batch b1 is a job that has not ended (status 'QUEUED')");
		assertThat(results).doesNotExist();
		assertThat(results.resolveSibling("out.jsonl.part")).doesNotExist();
	}

	@Test
	void results_ofABatchThatWasNeverAccepted_shouldSaySoAndExitWith2() {
		// As the API keeps a refused batch: FAILED, no jobs, no enqueuedAt, and why.
		String refused = "{\"id\":\"r1\",\"status\":\"FAILED\",\"total\":0,\"counts\":{\"queued\":0,\"running\":0,"
				+ "\"succeeded\":0,\"failed\":0,\"cancelled\":0,\"expired\":0},\"failure\":{\"type\":\"InvalidBatch\","
				+ "\"message\":\"The batch has no items; send at least one\"}}";
		for (int i = 0; i < 2; i++) {
			this.api.thenAnswer((request) -> request.path().equals("/v1/batches/r1"),
					(request) -> new Answer(200, Map.of("Content-Type", "application/json"), refused));
			this.api.thenAnswer((request) -> request.path().equals("/v1/batches/r1/results"),
					(request) -> new Answer(200, Map.of("Content-Type", BatchesClient.NDJSON), ""));
		}

		assertThat(run("results", "r1")).as(this.err).isEqualTo(Inferq.REFUSED);
		assertThat(this.out).isEmpty();
		assertThat(this.err).contains("Batch r1 is FAILED and was never accepted (InvalidBatch: The batch has no "
				+ "items; send at least one): none of its jobs ran, so it has no results.");
		assertThat(run("results", "--wait", "--poll-interval", "10ms", "r1")).as(this.err).isEqualTo(Inferq.REFUSED);
	}

	@Test
	void cancel_shouldSayHowManyJobsHaveYetToEnd() {
		run("enqueue", this.file.toString());
		this.api.batchesProgress((poll, customIds) -> new State("IN_PROGRESS", statuses(customIds, 5, 2)));

		assertThat(run("cancel", "b1")).isZero();
		assertThat(this.out).contains("\"status\":\"CANCELLED\"");
		assertThat(this.err).contains("Batch b1 cancelled: its 18 queued jobs end CANCELLED as the workers reach "
				+ "them, its 2 running ones when they finish; 'inferq results --wait b1' waits for them.");
	}

	@Test
	void batchIdsThatBeginWithADash_shouldBeTakenForBatchesNotOptions() {
		// IDs generated since are never so, but a batch's ID may be (URL-safe base64).
		this.api.batchIdsBeginWith("-oAbCdEfGh");
		run("enqueue", this.file.toString());

		assertThat(run("status", "-oAbCdEfGh1")).as(this.err).isZero();
		assertThat(this.out).contains("\"id\":\"-oAbCdEfGh1\"");
		assertThat(run("cancel", "-oAbCdEfGh1")).as(this.err).isZero();
		// results has an option -o: there, "--" ends the options first.
		assertThat(run("results", "--", "-oAbCdEfGh1")).as(this.err).isZero();
	}

	/**
	 * The case: IN_PROGRESS, then cancelled with 5 jobs ended and 2 running (the
	 * status final, the counts not), then the running ones succeeded and the rest
	 * cancelled by the workers.
	 */
	private static State cancelledAtSecondPoll(int poll, List<String> customIds) {
		return switch (poll) {
			case 0, 1 -> new State("IN_PROGRESS", statuses(customIds, poll * 2, 2));
			case 2 -> new State("CANCELLED", statuses(customIds, 5, 2));
			default -> new State("CANCELLED",
					IntStream.range(0, customIds.size()).mapToObj((i) -> (i < 7) ? "SUCCEEDED" : "CANCELLED").toList());
		};
	}

	/**
	 * {@code succeeded} jobs SUCCEEDED, then {@code running} RUNNING, the rest QUEUED.
	 */
	private static List<String> statuses(List<String> customIds, int succeeded, int running) {
		return IntStream.range(0, customIds.size())
			.mapToObj((i) -> (i < succeeded) ? "SUCCEEDED" : (i < succeeded + running) ? "RUNNING" : "QUEUED")
			.toList();
	}

	private long batchGets() {
		return this.api.requests()
			.stream()
			.filter((request) -> request.method().equals("GET") && request.path().matches("/v1/batches/[^/]+"))
			.count();
	}

	private int run(String... args) {
		// The API's URL right after the command, so that "--" may end the options.
		List<String> arguments = new ArrayList<>(List.of(args));
		arguments.addAll(1, List.of("--api", this.api.url().toString()));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exitCode = new Inferq(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(arguments.toArray(String[]::new));
		this.out = out.toString(StandardCharsets.UTF_8);
		this.err = err.toString(StandardCharsets.UTF_8);
		return exitCode;
	}

}
