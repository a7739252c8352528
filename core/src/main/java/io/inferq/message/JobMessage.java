package io.inferq.message;

import java.util.Map;
import java.util.Objects;

import io.inferq.job.JobId;
import io.inferq.job.Payload;

/**
 * What travels through the jobs queue: the ID of a job to run. Messages sent by the API
 * carry only the ID (the job, with its input, is in the store); a batch system that
 * writes to the queue directly also sends the input, and the worker creates the job if it
 * does not exist yet. {@link JobMessageCodec} defines the JSON form.
 *
 * @param jobId the job to run
 * @param input the input, for a job the store does not know yet; otherwise {@code null}
 * @param accept the media type asked of the model, or {@code null}
 * @param metadata the client's key-value pairs for a job created from this message
 */
public record JobMessage(JobId jobId, Payload input, String accept, Map<String, String> metadata) {

	public JobMessage {
		Objects.requireNonNull(jobId, "jobId");
		metadata = (metadata == null) ? Map.of() : Map.copyOf(metadata);
	}

	/** A message for a job that is stored already. */
	public static JobMessage of(JobId jobId) {
		return new JobMessage(jobId, null, null, Map.of());
	}

}
