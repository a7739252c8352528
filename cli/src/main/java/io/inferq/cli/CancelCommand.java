package io.inferq.cli;

import java.util.Locale;

import picocli.CommandLine.Command;

/**
 * {@code inferq cancel BATCH_ID...}: cancels the batches' jobs that have not started.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
		description = {
				"Cancels every job of each batch that has not started, and prints the batch as JSON, one "
						+ "line per batch, on stdout. Running jobs finish.",
				"",
				"The batch is cancelled at once, its jobs as the workers reach them: the counts printed are "
						+ "those at the cancel, and stderr says how many jobs have yet to end. 'inferq results "
						+ "--wait BATCH_ID' waits for them and writes the final results." })
final class CancelCommand extends BatchCommand {

	@Override
	public Integer call() {
		BatchesClient client = client();
		for (String batchId : batchIds()) {
			Batch batch = BatchesClient.await(client.cancel(batchId));
			inferq().out().println(batch.json());
			inferq().out().flush();
			if (!batch.hasEnded()) {
				inferq().err()
					.println(String.format(Locale.ROOT,
							"Batch %s cancelled: its %,d queued jobs end CANCELLED as the workers reach them, its %,d "
									+ "running ones when they finish; 'inferq results --wait %s' waits for them.",
							batch.id(), batch.counts().queued(), batch.counts().running(), batch.id()));
			}
		}
		return 0;
	}

}
