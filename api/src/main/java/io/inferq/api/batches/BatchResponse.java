package io.inferq.api.batches;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchStatus;
import io.inferq.job.JobError;

/**
 * A batch as clients see it.
 *
 * @param id the batch's ID
 * @param status where the batch is in its life
 * @param createdAt when the batch was received
 * @param enqueuedAt when every item had become a queued job
 * @param endedAt when the batch was cancelled or failed
 * @param total how many jobs it has
 * @param counts how many of them are in each status; once the batch is COMPLETED, the
 * ended ones add up to {@code total}
 * @param metadata the client's key-value pairs
 * @param failure why the batch FAILED
 * @param estimatedCompletionAt until it has ended, when its last job is expected to end
 * (see the README's "Honest ETAs"); absent when nothing is known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchResponse(String id, BatchStatus status, Instant createdAt, Instant enqueuedAt, Instant endedAt,
		long total, BatchCounts counts, Map<String, String> metadata, JobError failure, Instant estimatedCompletionAt) {

	public static BatchResponse of(Batch batch) {
		return new BatchResponse(batch.id().value(), batch.status(), batch.createdAt(), batch.enqueuedAt(),
				batch.endedAt(), batch.total(), batch.counts(), batch.metadata(), batch.failure(), null);
	}

	/** The batch with its expected completion, if any. */
	public static BatchResponse of(Batch batch, java.util.Optional<Instant> estimatedCompletionAt) {
		return new BatchResponse(batch.id().value(), batch.status(), batch.createdAt(), batch.enqueuedAt(),
				batch.endedAt(), batch.total(), batch.counts(), batch.metadata(), batch.failure(),
				estimatedCompletionAt.orElse(null));
	}

}
