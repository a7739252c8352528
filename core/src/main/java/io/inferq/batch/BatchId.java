package io.inferq.batch;

import java.util.regex.Pattern;

import io.inferq.job.JobId;
import io.inferq.job.RandomIds;

/**
 * A batch's identity: 128 random bits, base64url without padding (22 characters), like a
 * {@link JobId}. The jobs of a batch have IDs derived from it ({@link #jobId(long)}), so
 * that they can be read in order by key without an index.
 *
 * @param value the textual ID
 */
public record BatchId(String value) {

	/**
	 * What a batch ID may look like: 8 to 48 URL-safe characters, so that a derived job
	 * ID stays within {@link JobId#PATTERN}.
	 */
	public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{8,48}");

	public BatchId {
		if (value == null || !PATTERN.matcher(value).matches()) {
			throw new IllegalArgumentException("A batch ID is 8 to 48 characters of A-Z, a-z, 0-9, '_' or '-'");
		}
	}

	/** A new random ID ({@link RandomIds#next()}: never begins with {@code '-'}). */
	public static BatchId random() {
		return new BatchId(RandomIds.next());
	}

	/**
	 * Whether {@code value} is a well-formed ID, for validating input without exceptions.
	 */
	public static boolean isValid(String value) {
		return value != null && PATTERN.matcher(value).matches();
	}

	/**
	 * The ID of the batch's job at {@code seq}: {@code <batchId>-<seq>}.
	 * @param seq the item's 0-based position in the batch
	 */
	public JobId jobId(long seq) {
		if (seq < 0) {
			throw new IllegalArgumentException("A batch item's position is 0 or more; was " + seq);
		}
		return new JobId(this.value + "-" + seq);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
