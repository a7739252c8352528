package io.inferq.store;

import java.util.Optional;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;

/**
 * A conditional write of a batch lost: the stored batch is not in a status that allows
 * the change, or there is no such batch.
 */
public class StaleBatchException extends RuntimeException {

	private final transient Batch current;

	public StaleBatchException(BatchId id, String change, Batch current) {
		super("Batch " + id + " cannot " + change
				+ ((current != null) ? "; it is " + current.status() : "; there is no such batch"));
		this.current = current;
	}

	/** The batch as stored when the write was refused; empty if there is none. */
	public Optional<Batch> current() {
		return Optional.ofNullable(this.current);
	}

}
