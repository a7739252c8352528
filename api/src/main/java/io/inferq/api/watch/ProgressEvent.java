package io.inferq.api.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchStatus;

/**
 * The data of a {@code progress} or {@code end} event of a batch's progress stream
 * ({@code GET /v1/batches/{id}/events}). A contract other clients rely on: fields are
 * only ever added.
 *
 * @param batchId the batch
 * @param status its status
 * @param counts its jobs per status, as in the batch's body
 * @param total how many jobs it has
 * @param ratePerSecond jobs ending per second: measured over the last minute while the
 * stream is open, or since the batch was enqueued, or, before any has ended, what the
 * lane is expected to serve; 0 if nothing is known
 * @param estimatedCompletionAt ISO-8601, when its last job is expected to end at that
 * rate; {@code null} once it has ended or when nothing is known
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record ProgressEvent(String batchId, BatchStatus status, BatchCounts counts, long total, double ratePerSecond,
		String estimatedCompletionAt) {

	/** Whether {@code other} tells the same counts in the same status. */
	boolean sameAs(ProgressEvent other) {
		return other != null && this.status == other.status && this.counts.equals(other.counts);
	}

}
