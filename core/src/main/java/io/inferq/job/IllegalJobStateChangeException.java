package io.inferq.job;

/**
 * Thrown when a transition is asked of a job whose status does not allow it.
 */
public class IllegalJobStateChangeException extends IllegalStateException {

	private final JobId jobId;

	private final JobStatus from;

	private final JobStatus to;

	public IllegalJobStateChangeException(JobId jobId, JobStatus from, JobStatus to) {
		super("Job " + jobId + " cannot change state from " + from + " to " + to);
		this.jobId = jobId;
		this.from = from;
		this.to = to;
	}

	public JobId jobId() {
		return this.jobId;
	}

	public JobStatus from() {
		return this.from;
	}

	public JobStatus to() {
		return this.to;
	}

}
