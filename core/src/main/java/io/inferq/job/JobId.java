package io.inferq.job;

import java.util.regex.Pattern;

/**
 * A job's identity: 128 random bits, base64url without padding (22 characters), so IDs
 * are unguessable and safe in URLs. IDs chosen by a client that writes to the queue
 * directly only need to match {@link #PATTERN}.
 *
 * @param value the textual ID
 */
public record JobId(String value) {

	/** What a job ID may look like: 8 to 64 URL-safe characters. */
	public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{8,64}");

	public JobId {
		if (value == null || !PATTERN.matcher(value).matches()) {
			throw new IllegalArgumentException("A job ID is 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'");
		}
	}

	/** A new random ID ({@link RandomIds#next()}: never begins with {@code '-'}). */
	public static JobId random() {
		return new JobId(RandomIds.next());
	}

	/**
	 * Whether {@code value} is a well-formed ID, for validating input without exceptions.
	 */
	public static boolean isValid(String value) {
		return value != null && PATTERN.matcher(value).matches();
	}

	@Override
	public String toString() {
		return this.value;
	}

}
