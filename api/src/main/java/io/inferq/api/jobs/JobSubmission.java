package io.inferq.api.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.inferq.job.Payload;

/**
 * A valid submit request, ready to become a job.
 *
 * @param input what the model is invoked with
 * @param accept the media type asked of the model, or {@code null}
 * @param metadata the client's key-value pairs
 * @param timeToStart how long the job may wait before it expires unstarted
 * @param callback where the job's completion event goes, or {@code null} for the tenant's
 * default endpoint, if any
 */
public record JobSubmission(Payload input, String accept, Map<String, String> metadata, Duration timeToStart,
		URI callback) {

	/** This submission with its completion event sent to {@code callback}. */
	public JobSubmission withCallback(URI callback) {
		return new JobSubmission(this.input, this.accept, this.metadata, this.timeToStart, callback);
	}

}
