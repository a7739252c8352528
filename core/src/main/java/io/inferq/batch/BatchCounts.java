package io.inferq.batch;

import io.inferq.job.JobStatus;

/**
 * How many of a batch's jobs are in each status, as its counters say.
 *
 * @param queued waiting in the queue
 * @param running being invoked
 * @param succeeded ended with output
 * @param failed ended without output
 * @param cancelled cancelled before they ended
 * @param expired not started before their deadline
 */
public record BatchCounts(long queued, long running, long succeeded, long failed, long cancelled, long expired) {

	/** No jobs at all. */
	public static final BatchCounts NONE = new BatchCounts(0, 0, 0, 0, 0, 0);

	/** The count of jobs in {@code status}. */
	public long of(JobStatus status) {
		return switch (status) {
			case QUEUED -> this.queued;
			case RUNNING -> this.running;
			case SUCCEEDED -> this.succeeded;
			case FAILED -> this.failed;
			case CANCELLED -> this.cancelled;
			case EXPIRED -> this.expired;
		};
	}

	/** The jobs that have ended. */
	public long terminal() {
		return this.succeeded + this.failed + this.cancelled + this.expired;
	}

	/** All jobs counted. */
	public long sum() {
		return this.queued + this.running + terminal();
	}

}
