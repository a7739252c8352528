package io.inferq.worker.concurrency;

/**
 * Which lane a job travels in. Interactive jobs (submitted one at a time) are served
 * before bulk ones (enqueued in batches), and keep a share of the endpoint's concurrency
 * that bulk jobs may only borrow while no interactive job is about; see
 * {@link LaneLimiter}.
 */
public enum Lane {

	/** Jobs submitted one by one, whose submitter is waiting. */
	INTERACTIVE,

	/** Jobs enqueued in batches, whose submitter comes back later. */
	BULK

}
