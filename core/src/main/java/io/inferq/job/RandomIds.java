package io.inferq.job;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The random part of generated IDs ({@link JobId#random()},
 * {@link io.inferq.batch.BatchId#random()}): 128 bits from a {@link SecureRandom},
 * base64url without padding (22 characters).
 * <p>
 * A generated ID never begins with {@code '-'}: command lines (the CLI, {@code aws},
 * shell tools) would take such an argument for an option. Draws that would are drawn
 * again, which costs a 32nd of a draw on average and leaves about 127.9 bits of entropy.
 */
public final class RandomIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private RandomIds() {
	}

	/** A new random value: 22 base64url characters, the first never {@code '-'}. */
	public static String next() {
		byte[] bytes = new byte[16];
		String value;
		do {
			RANDOM.nextBytes(bytes);
			value = ENCODER.encodeToString(bytes);
		}
		while (value.charAt(0) == '-');
		return value;
	}

}
