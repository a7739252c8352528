package io.inferq.store;

import io.inferq.job.JobId;

/**
 * A job with the same ID is stored already.
 */
public class JobAlreadyExistsException extends RuntimeException {

	public JobAlreadyExistsException(JobId id) {
		super("Job " + id + " exists already");
	}

}
