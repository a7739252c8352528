package io.inferq.worker.stats;

import io.inferq.job.Job;

/**
 * Where a worker tells of each job it ended, for the figures operators see (throughput
 * and latency). Called on the thread that stored the outcome: implementations only count,
 * never block.
 */
public interface JobStats {

	/** Counts nothing. */
	JobStats NONE = (outcome, job) -> {
	};

	/**
	 * Counts {@code job}, just stored with {@code outcome}: {@code succeeded},
	 * {@code failed}, {@code cancelled}, {@code expired}, or {@code retried} for an
	 * attempt sent back to the queue.
	 */
	void ended(String outcome, Job job);

}
