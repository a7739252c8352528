package io.inferq.api.batches;

import io.inferq.api.jobs.Problems;
import io.inferq.batch.Batch;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request the batch's status does not allow (409); the problem carries its
 * {@code batchId} and {@code batchStatus}.
 */
class BatchStatusException extends ErrorResponseException {

	private BatchStatusException(String title, Batch batch, String detail) {
		super(HttpStatus.CONFLICT, Problems.of(HttpStatus.CONFLICT, title, detail), null);
		getBody().setProperty("batchId", batch.id().value());
		getBody().setProperty("batchStatus", batch.status());
	}

	static BatchStatusException notCancellable(Batch batch) {
		return new BatchStatusException("Batch not cancellable", batch, "Batch " + batch.id() + " is " + batch.status()
				+ " already; only ENQUEUEING or IN_PROGRESS batches can be cancelled");
	}

	static BatchStatusException cancelledWhileEnqueueing(Batch batch) {
		return new BatchStatusException("Batch cancelled", batch,
				"Batch " + batch.id() + " was cancelled while it was being enqueued; none of its jobs will run");
	}

}
