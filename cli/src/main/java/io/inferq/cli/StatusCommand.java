package io.inferq.cli;

import picocli.CommandLine.Command;

/**
 * {@code inferq status BATCH_ID...}: prints each batch as the API shows it.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
		description = "Prints each batch's status and job counts as JSON, one line per batch, on stdout.")
final class StatusCommand extends BatchCommand {

	@Override
	public Integer call() {
		return printEach(BatchesClient::get);
	}

}
