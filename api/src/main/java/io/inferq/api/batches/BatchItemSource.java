package io.inferq.api.batches;

import java.io.IOException;
import java.util.Map;

import io.inferq.api.jobs.JobSubmission;

/**
 * The items of a batch request, read one at a time so that a batch of any size is never
 * held in memory whole, and digested as they are read. Closed once the batch was enqueued
 * or refused.
 */
interface BatchItemSource extends AutoCloseable {

	/**
	 * The next item, or {@code null} after the last.
	 * @throws org.springframework.web.ErrorResponseException (400 or 413) if the item is
	 * not valid; the problem names its line
	 * @throws IOException if the body cannot be read (the client went away)
	 */
	Item next() throws IOException;

	/** The batch's own metadata. */
	Map<String, String> metadata();

	/** Reads the rest of the body without checking it, for its fingerprint. */
	void drain() throws IOException;

	/** The request's fingerprint, once the body was read to its end. */
	String fingerprint();

	/** Gives back the memory the source holds, if any. */
	@Override
	default void close() {
	}

	/**
	 * One valid item.
	 *
	 * @param line the line the item starts on, from 1
	 * @param customId the client's ID of the item
	 * @param submission the job it becomes
	 */
	record Item(long line, String customId, JobSubmission submission) {

	}

}
