package io.inferq.cli;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code inferq results BATCH_ID... [-o OUT.jsonl] [--wait]}: the batches' results, one
 * line per job, once every batch has ended.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
		description = {
				"Writes the results of the batches' jobs as JSONL, one line per job with its customId, "
						+ "jobId, status and output or error, in batch order: on stdout, or into a file.",
				"",
				"Only batches that have ended are exported: a batch still in progress, or cancelled with jobs not "
						+ "yet ended, is named on stderr and nothing is written (exit code 5), unless --wait "
						+ "waits for it first. A batch that was never accepted (refused, or cancelled while being "
						+ "enqueued) has no results: it is named on stderr, the others' results are written, and the "
						+ "exit code is 2. With --wait, as enqueue --wait, a summary ends stderr and the exit code "
						+ "is 1 unless every job succeeded." })
final class ResultsCommand extends BatchCommand {

	@Spec
	private CommandSpec spec;

	@Option(names = { "-o", "--output" }, paramLabel = "OUT.jsonl",
			description = "Write into this file (replaced, complete or not at all) instead of stdout.")
	private Path output;

	@Option(names = "--wait", description = "Wait until every batch has ended, showing progress on stderr.")
	private boolean wait;

	@Option(names = "--poll-interval", paramLabel = "DURATION", defaultValue = "2s", converter = Durations.class,
			description = "How often to ask for the batches' state with --wait (default: ${DEFAULT-VALUE}).")
	private Duration pollInterval;

	@Override
	public Integer call() throws Exception {
		if (this.pollInterval.isNegative() || this.pollInterval.isZero()) {
			throw new ParameterException(this.spec.commandLine(), "--poll-interval must be positive");
		}
		BatchesClient client = client();
		List<Batch> batches = this.wait ? awaitEnd(client) : fetch(client);
		ResultsFile.requireEnded(batches);
		if (this.output != null) {
			new ResultsFile(client).write(batches, this.output);
		}
		else {
			OutputStream out = inferq().out();
			for (Batch batch : batches) {
				ResultsFile.requireComplete(batch, ResultsFile.copy(client, batch, out));
			}
			out.flush();
		}
		if (neverAccepted(batches)) {
			return Inferq.REFUSED;
		}
		if (!this.wait) {
			return 0;
		}
		// As enqueue --wait: exit 1 unless every job succeeded.
		Progress progress = Progress.to(inferq().err(), Progress.Style.AUTO);
		try {
			return EndSummary.report(batches, progress);
		}
		finally {
			progress.finish();
		}
	}

	/**
	 * Says on stderr which batches ended before they were accepted (refused, or cancelled
	 * while being enqueued): none of their jobs ran, so they have no results.
	 */
	private boolean neverAccepted(List<Batch> batches) {
		boolean any = false;
		for (Batch batch : batches) {
			if (!batch.accepted()) {
				JsonNode failure = batch.json().path("failure");
				String why = failure.isObject()
						? " (" + failure.path("type").asString() + ": " + failure.path("message").asString() + ")" : "";
				inferq().err()
					.println("Batch " + batch.id() + " is " + batch.status() + " and was never accepted" + why
							+ ": none of its jobs ran, so it has no results.");
				any = true;
			}
		}
		return any;
	}

	private List<Batch> fetch(BatchesClient client) {
		List<Batch> batches = new ArrayList<>();
		for (String batchId : batchIds()) {
			batches.add(BatchesClient.await(client.get(batchId)));
		}
		return batches;
	}

	private List<Batch> awaitEnd(BatchesClient client) throws InterruptedException {
		Progress progress = Progress.to(inferq().err(), Progress.Style.AUTO);
		try {
			return new BatchWaiter(client, this.pollInterval, progress).await(batchIds());
		}
		finally {
			progress.finish();
		}
	}

}
