package io.inferq.cli;

import picocli.CommandLine.Command;

/**
 * {@code inferq cancel BATCH_ID...}: cancels the batches' jobs that have not started.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
		description = "Cancels every job of each batch that has not started, and prints the "
				+ "batch as JSON, one line per batch, on stdout. Running jobs finish.")
final class CancelCommand extends BatchCommand {

	@Override
	public Integer call() {
		return printEach(BatchesClient::cancel);
	}

}
