package io.inferq.message;

import java.util.Optional;

import io.inferq.job.JobId;

/**
 * A queue message that is not a job message; it can never succeed and belongs in the
 * dead-letter queue. It may still name its job ({@link #jobId()}), whose record can then
 * say why it will never run.
 */
public class MalformedJobMessageException extends RuntimeException {

	private final transient JobId jobId;

	public MalformedJobMessageException(String message, Throwable cause) {
		this(null, message, cause);
	}

	/**
	 * @param jobId the job the message names, or {@code null} if even that could not be
	 * read
	 */
	public MalformedJobMessageException(JobId jobId, String message, Throwable cause) {
		super(message, cause);
		this.jobId = jobId;
	}

	/** The job the message names, if that much could be read. */
	public Optional<JobId> jobId() {
		return Optional.ofNullable(this.jobId);
	}

}
