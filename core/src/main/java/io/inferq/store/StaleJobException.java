package io.inferq.store;

import java.util.Optional;

import io.inferq.job.Job;
import io.inferq.job.JobId;

/**
 * A conditional write lost: the stored job changed since it was read.
 */
public class StaleJobException extends RuntimeException {

	private final transient Job current;

	public StaleJobException(JobId id, long expectedVersion, Job current) {
		super("Job " + id + " is no longer at version " + expectedVersion
				+ ((current != null) ? "; it is " + current.status() + " at version " + current.version() : ""));
		this.current = current;
	}

	/** The job as stored when the write was refused, when the store could tell. */
	public Optional<Job> current() {
		return Optional.ofNullable(this.current);
	}

}
