package io.inferq.batch;

import java.util.Objects;

import io.inferq.job.JobId;

/**
 * A job's place in the batch it was enqueued with.
 *
 * @param batchId the batch
 * @param seq the item's 0-based position in the batch (its line, for NDJSON)
 * @param customId the client's own ID of the item, unique within the batch
 */
public record BatchItem(BatchId batchId, long seq, String customId) {

	public BatchItem {
		Objects.requireNonNull(batchId, "batchId");
		Objects.requireNonNull(customId, "customId");
		if (seq < 0) {
			throw new IllegalArgumentException("A batch item's position is 0 or more; was " + seq);
		}
	}

	/** The job's ID, derived from the batch's: {@code <batchId>-<seq>}. */
	public JobId jobId() {
		return this.batchId.jobId(this.seq);
	}

}
