package io.inferq.batch;

/**
 * Where a batch is in its life.
 */
public enum BatchStatus {

	/** Its items are being read and their jobs stored and queued; not accepted yet. */
	ENQUEUEING,

	/** Every item is a queued job, and not all of them have ended. */
	IN_PROGRESS,

	/** Every job has ended (succeeded, failed, cancelled or expired). */
	COMPLETED,

	/** Cancelled by a client: its jobs that had not started are cancelled, not run. */
	CANCELLED,

	/**
	 * Its ingest failed (a bad item, the client went away, AWS unavailable): it was never
	 * accepted, and none of its jobs runs.
	 */
	FAILED;

	/** Whether nothing more will happen to the batch as a whole. */
	public boolean isFinal() {
		return this == COMPLETED || this == CANCELLED || this == FAILED;
	}

}
