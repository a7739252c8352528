package io.inferq.cli;

/**
 * A batch has not ended yet, so its results are not final: its status is not final, or
 * some of its jobs are still queued or running (a cancelled batch's jobs end as the
 * workers reach them).
 */
final class BatchNotEndedException extends RuntimeException {

	BatchNotEndedException(String message) {
		super(message);
	}

	/** Names the batch, where it stands and what to do instead. */
	static BatchNotEndedException of(Batch batch) {
		return new BatchNotEndedException("Batch " + batch.id() + " has not ended (" + batch.describe()
				+ "): its results are not final. Wait for it with 'inferq results --wait " + batch.id()
				+ "', or follow it with 'inferq status " + batch.id() + "'.");
	}

}
