package io.inferq.store;

import io.inferq.job.JobId;

/**
 * The job, with its input and output, does not fit in one stored record.
 */
public class JobTooLargeException extends RuntimeException {

	public JobTooLargeException(JobId id, long size, long limit) {
		super("Job " + id + " needs " + size + " bytes of storage; at most " + limit + " fit in one record");
	}

}
