package io.inferq.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import io.inferq.cli.Enqueuer.EnqueuedChunk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code inferq enqueue FILE.jsonl}: sends a JSONL file as batches of
 * {@code --chunk-size} items, safe to run again after an interruption; optionally waits
 * for the jobs and writes their results.
 */
@Command(name = "enqueue", mixinStandardHelpOptions = true, sortOptions = false, description = {
		"Enqueues every line of a JSONL file as one job, in batches of --chunk-size lines, "
				+ "showing progress on stderr and printing the batch IDs on stdout, one per line.",
		"",
		"A line holding a JSON object with a \"customId\" field is a complete batch item, sent as is: "
				+ "{\"customId\":\"...\",\"input\":<any JSON>} or {\"customId\":\"...\",\"inputBase64\":\"...\","
				+ "\"contentType\":\"...\"}, optionally with \"accept\" and \"metadata\". Any other JSON "
				+ "line is the input of one job whose customId is the line's number in the file (1-based; "
				+ "blank lines are skipped but counted).",
		"",
		"Safe to run again: each chunk's Idempotency-Key is derived from its position and its exact "
				+ "lines, so after a crash or Ctrl-C the same command with the same FILE and --chunk-size "
				+ "replays the chunks already enqueued (creating nothing) and sends the rest. The API "
				+ "keeps keys for 24 hours by default. Use --run-id to enqueue the same file again on " + "purpose." })
final class EnqueueCommand implements Callable<Integer> {

	@ParentCommand
	private Inferq inferq;

	@Spec
	private CommandSpec spec;

	@Parameters(paramLabel = "FILE", description = "The JSONL file, one item per line (UTF-8).")
	private Path file;

	@Mixin
	private ApiOptions api;

	@Option(names = "--chunk-size", paramLabel = "N", defaultValue = "1000",
			description = "Lines per batch (default: ${DEFAULT-VALUE}). Keep it when running again.")
	private int chunkSize;

	@Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
			description = "Batches sent at the same time (default: ${DEFAULT-VALUE}).")
	private int parallel;

	@Option(names = "--wait",
			description = "Wait until every batch is finished, showing the jobs' counts; exit 1 unless every "
					+ "job succeeded.")
	private boolean wait;

	@Option(names = "--results", paramLabel = "OUT.jsonl",
			description = "Write every job's result to this file once the batches are finished, one line per "
					+ "job with its customId (implies --wait).")
	private Path results;

	@Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
			description = "How often to ask for the batches' state while waiting (default: ${DEFAULT-VALUE}).")
	private Duration pollInterval;

	@Option(names = "--run-id", paramLabel = "ID", defaultValue = "",
			description = "Goes into every idempotency key: a new run ID enqueues the same file again as new "
					+ "jobs; the same (or none) resumes or replays.")
	private String runId;

	@Option(names = "--progress", paramLabel = "STYLE", defaultValue = "auto",
			description = "auto (a bar on a terminal, else a line per second), bar, plain or none "
					+ "(default: ${DEFAULT-VALUE}).")
	private String progressStyle;

	@Option(names = "--max-chunks", hidden = true, defaultValue = "2147483647",
			description = "Stops after sending this many chunks, as if interrupted (for tests).")
	private int maxChunks;

	@Option(names = "--crash-after-chunks", hidden = true, defaultValue = "0",
			description = "Halts the JVM at once, as kill -9 would, when this many chunks were accepted, with "
					+ "others in flight (for tests).")
	private int crashAfterChunks;

	@Override
	public Integer call() throws Exception {
		checkOptions();
		Progress progress = Progress.to(this.inferq.err(), style());
		BatchesClient client = this.api.client((what, reason, delay) -> progress
			.message("Retrying " + what + " in " + delay.toMillis() + " ms: " + reason));
		AtomicReference<String> ifInterrupted = new AtomicReference<>();
		Thread interrupted = new Thread(() -> {
			String message = ifInterrupted.get();
			if (message != null) {
				progress.message("\n" + message);
			}
		});
		Runtime.getRuntime().addShutdownHook(interrupted);
		try {
			return enqueueAndWait(client, progress, ifInterrupted);
		}
		finally {
			ifInterrupted.set(null);
			removeShutdownHook(interrupted);
			progress.finish();
		}
	}

	private int enqueueAndWait(BatchesClient client, Progress progress, AtomicReference<String> ifInterrupted)
			throws Exception {
		long total = ChunkReader.countItems(this.file, this.chunkSize);
		if (total == 0) {
			throw new InvalidInputException(this.file + " has no lines to enqueue (blank lines are skipped)");
		}
		ifInterrupted.set("Interrupted before every line was enqueued. Run the same command again to resume: "
				+ "chunks already enqueued are replayed, not enqueued twice.");
		progress.startEnqueue(total);
		List<EnqueuedChunk> chunks;
		try (ChunkReader reader = ChunkReader.open(this.file, this.chunkSize)) {
			chunks = new Enqueuer(client, this.parallel, this.runId, progress).onAccepted(this::crashIfAsked)
				.enqueue(reader, this.maxChunks);
		}
		progress.finish();
		chunks.forEach((chunk) -> this.inferq.out().println(chunk.batchId()));
		this.inferq.out().flush();
		long replayed = chunks.stream().filter(EnqueuedChunk::replayed).mapToLong(EnqueuedChunk::items).sum();
		long sent = chunks.stream().mapToLong(EnqueuedChunk::items).sum();
		progress.message(
				String.format(Locale.ROOT, "Enqueued %,d lines as %d batch%s (%,d lines replayed from an earlier run).",
						sent, chunks.size(), (chunks.size() == 1) ? "" : "es", replayed));
		if (sent < total) {
			progress.message(String.format(Locale.ROOT,
					"Stopped after %d chunks: %,d of %,d lines enqueued; run the same command again to resume.",
					chunks.size(), sent, total));
			return 0;
		}
		if (!this.wait && this.results == null) {
			return 0;
		}
		ifInterrupted.set("Interrupted while waiting; the jobs go on. Run the same command again to wait for them "
				+ "(nothing is enqueued twice), or 'inferq status' with the batch IDs above.");
		return awaitBatches(client, progress, chunks);
	}

	private void crashIfAsked(int acceptedChunks) {
		if (this.crashAfterChunks > 0 && acceptedChunks >= this.crashAfterChunks) {
			Runtime.getRuntime().halt(137);
		}
	}

	private int awaitBatches(BatchesClient client, Progress progress, List<EnqueuedChunk> chunks) throws Exception {
		List<String> batchIds = chunks.stream().map(EnqueuedChunk::batchId).toList();
		// Their end states: a batch has ended once its status is final and every job of
		// it
		// has ended, so neither these counts nor the results change any more.
		List<Batch> batches = new BatchWaiter(client, this.pollInterval, progress).await(batchIds);
		if (this.results != null) {
			long lines = new ResultsFile(client).write(batches, this.results);
			progress.message(String.format(Locale.ROOT, "Wrote %,d results to %s.", lines, this.results));
			long expected = batches.stream().mapToLong(Batch::resultLines).sum();
			if (lines != expected) {
				progress.message(String.format(Locale.ROOT,
						"Warning: the batches hold %,d jobs but %,d results were written.", expected, lines));
			}
		}
		batches.stream()
			.filter((batch) -> !batch.accepted())
			.forEach((batch) -> progress.message("Batch " + batch.id() + " ended " + batch.status()
					+ " before all of its items were enqueued: none of its jobs ran, and it has no results."));
		return EndSummary.report(batches, progress);
	}

	private void checkOptions() {
		if (this.chunkSize < 1) {
			throw new ParameterException(this.spec.commandLine(), "--chunk-size must be at least 1");
		}
		if (this.parallel < 1 || this.parallel > 64) {
			throw new ParameterException(this.spec.commandLine(), "--parallel must be between 1 and 64");
		}
		if (this.pollInterval.isNegative() || this.pollInterval.isZero()) {
			throw new ParameterException(this.spec.commandLine(), "--poll-interval must be positive");
		}
		if (!this.runId.chars().allMatch((c) -> c >= 0x20 && c < 0x7f)) {
			throw new ParameterException(this.spec.commandLine(), "--run-id must be printable ASCII");
		}
		style();
	}

	private Progress.Style style() {
		try {
			return Progress.Style.valueOf(this.progressStyle.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new ParameterException(this.spec.commandLine(),
					"--progress must be auto, bar, plain or none, not '" + this.progressStyle + "'");
		}
	}

	private static void removeShutdownHook(Thread hook) {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException shuttingDown) {
			// The hook is running or has run.
		}
	}

}
