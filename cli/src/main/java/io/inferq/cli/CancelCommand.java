package io.inferq.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code inferq cancel BATCH_ID...}: cancels the batches' jobs that have not started.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
		description = "Cancels every job of each batch that has not started, and prints the "
				+ "batch as JSON, one line per batch, on stdout. Running jobs finish.")
final class CancelCommand implements Callable<Integer> {

	@ParentCommand
	private Inferq inferq;

	@Mixin
	private ApiOptions api;

	@Parameters(paramLabel = "BATCH_ID", arity = "1..*", description = "The batches, as printed by enqueue.")
	private List<String> batchIds;

	@Override
	public Integer call() {
		BatchesClient client = this.api.client(Commands.retryMessages(this.inferq));
		for (String batchId : this.batchIds) {
			this.inferq.out().println(BatchesClient.await(client.cancel(batchId)).json());
		}
		this.inferq.out().flush();
		return 0;
	}

}
