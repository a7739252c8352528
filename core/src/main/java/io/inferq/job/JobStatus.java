package io.inferq.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a job is in its life. A job only moves along the transitions
 * {@link #canBecome(JobStatus)} allows.
 */
public enum JobStatus {

	/**
	 * Accepted and waiting in the queue, possibly after a failed attempt that will be
	 * retried.
	 */
	QUEUED,

	/**
	 * A worker is invoking the model; the job's lease says until when that worker owns
	 * it.
	 */
	RUNNING,

	/** The model answered; the output is stored with the job. */
	SUCCEEDED,

	/**
	 * Ended without output: a permanent error, or retries exhausted. The error says why.
	 */
	FAILED,

	/** Cancelled by a client; never invoked, or its output was discarded. */
	CANCELLED,

	/** Not started before its deadline, and therefore never invoked. */
	EXPIRED;

	/** Whether the job has ended: no further transition is possible. */
	public boolean isTerminal() {
		return this != QUEUED && this != RUNNING;
	}

	/** Whether a job in this status may move to {@code next}. */
	public boolean canBecome(JobStatus next) {
		return successors().contains(next);
	}

	private Set<JobStatus> successors() {
		return switch (this) {
			case QUEUED -> EnumSet.of(RUNNING, FAILED, CANCELLED, EXPIRED);
			// RUNNING -> RUNNING is a new attempt taking over after the previous owner's
			// lease ran out.
			case RUNNING -> EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED);
			case SUCCEEDED, FAILED, CANCELLED, EXPIRED -> EnumSet.noneOf(JobStatus.class);
		};
	}

}
