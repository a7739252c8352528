package io.inferq.cli;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code inferq results BATCH_ID... [-o OUT.jsonl]}: the batches' results, one line per
 * job.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
		description = "Writes the results of the batches' jobs as JSONL, one line per job with its customId, "
				+ "jobId, status and output or error, in batch order: on stdout, or into a file.")
final class ResultsCommand extends BatchCommand {

	@Option(names = { "-o", "--output" }, paramLabel = "OUT.jsonl",
			description = "Write into this file (replaced, complete or not at all) instead of stdout.")
	private Path output;

	@Override
	public Integer call() throws Exception {
		BatchesClient client = client();
		List<Batch> batches = new ArrayList<>();
		for (String batchId : batchIds()) {
			batches.add(BatchesClient.await(client.get(batchId)));
		}
		if (this.output != null) {
			new ResultsFile(client).write(batches, this.output);
			return 0;
		}
		OutputStream out = inferq().out();
		for (Batch batch : batches) {
			ResultsFile.requireComplete(batch, ResultsFile.copy(client, batch, out));
		}
		out.flush();
		return 0;
	}

}
