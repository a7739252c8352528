package io.inferq.message;

import java.util.Objects;

/**
 * The two queues jobs travel through: the interactive lane for jobs submitted one at a
 * time, and the bulk lane for jobs enqueued in batches, so that workers can keep a share
 * of the endpoint for interactive work.
 *
 * @param interactive the queue of single jobs
 * @param bulk the queue of batch jobs
 */
public record JobLanes(JobQueue interactive, JobQueue bulk) {

	public JobLanes {
		Objects.requireNonNull(interactive, "interactive");
		Objects.requireNonNull(bulk, "bulk");
	}

}
