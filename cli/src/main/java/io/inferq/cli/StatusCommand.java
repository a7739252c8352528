package io.inferq.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code inferq status BATCH_ID...}: prints each batch as the API shows it.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
		description = "Prints each batch's status and job counts as JSON, one line per batch, on stdout.")
final class StatusCommand implements Callable<Integer> {

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
			this.inferq.out().println(BatchesClient.await(client.get(batchId)).json());
		}
		this.inferq.out().flush();
		return 0;
	}

}
