package io.inferq.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * A command on batches named on the command line, as printed by {@code enqueue}.
 */
abstract class BatchCommand implements Callable<Integer> {

	@ParentCommand
	private Inferq inferq;

	@Mixin
	private ApiOptions api;

	@Parameters(paramLabel = "BATCH_ID", arity = "1..*", description = "The batches, as printed by enqueue.")
	private List<String> batchIds;

	Inferq inferq() {
		return this.inferq;
	}

	List<String> batchIds() {
		return this.batchIds;
	}

	/** A client of the API that says on stderr when it retries. */
	BatchesClient client() {
		return this.api.client(Commands.retryMessages(this.inferq));
	}

	/**
	 * Calls {@code action} on each batch in turn and prints the batch it answers, as
	 * JSON, one line per batch, on stdout.
	 */
	int printEach(BiFunction<BatchesClient, String, CompletableFuture<Batch>> action) {
		BatchesClient client = client();
		for (String batchId : this.batchIds) {
			this.inferq.out().println(BatchesClient.await(action.apply(client, batchId)).json());
		}
		this.inferq.out().flush();
		return 0;
	}

}
