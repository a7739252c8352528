package io.inferq.api.jobs;

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
 */
public record JobSubmission(Payload input, String accept, Map<String, String> metadata, Duration timeToStart) {

}
