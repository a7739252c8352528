package io.inferq.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run of consecutive items of the input file, sent as one NDJSON batch.
 * <p>
 * Its idempotency key is a digest of what identifies it: the run ID, its index in the
 * file and the exact bytes sent. The same file enqueued again with the same chunk size
 * therefore sends the same keys with the same bodies, and the API answers every chunk it
 * already took with the original batch instead of creating jobs again.
 *
 * @param index the 0-based position of the chunk in the file
 * @param body the NDJSON request body, one item per line
 * @param fileLines the 1-based file line of each item, in body order
 */
record Chunk(int index, byte[] body, int[] fileLines) {

	private static final String KEY_PREFIX = "inferq-cli-";

	private static final byte[] KEY_VERSION = "inferq-cli/1\n".getBytes(StandardCharsets.UTF_8);

	/** How many items the chunk holds. */
	int size() {
		return this.fileLines.length;
	}

	/** The file line of the chunk's first item. */
	int firstFileLine() {
		return this.fileLines[0];
	}

	/** The file line of the chunk's last item. */
	int lastFileLine() {
		return this.fileLines[this.fileLines.length - 1];
	}

	/**
	 * The file line of an item of the chunk, from its line in the batch as the API
	 * numbers it (1-based).
	 * @throws IllegalArgumentException if the chunk has no such line
	 */
	int fileLine(int batchLine) {
		if (batchLine < 1 || batchLine > this.fileLines.length) {
			throw new IllegalArgumentException(
					"Batch line " + batchLine + " is not in chunk " + this.index + " of " + size() + " lines");
		}
		return this.fileLines[batchLine - 1];
	}

	/**
	 * The {@code Idempotency-Key} of this chunk: printable ASCII, 75 characters.
	 * @param runId distinguishes deliberate re-runs of the same file; empty for none
	 */
	String idempotencyKey(String runId) {
		MessageDigest digest = sha256();
		digest.update(KEY_VERSION);
		digest.update((runId + "\n" + this.index + "\n").getBytes(StandardCharsets.UTF_8));
		digest.update(this.body);
		return KEY_PREFIX + HexFormat.of().formatHex(digest.digest());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
