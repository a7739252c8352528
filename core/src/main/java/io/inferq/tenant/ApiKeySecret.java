package io.inferq.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An API key itself, as its holder sends it ({@code Authorization: Bearer iq_...}): the
 * prefix {@value #PREFIX} and 256 random bits, base64url.
 * <p>
 * Stored is only its SHA-256. A fast hash is enough, unlike for passwords: a slow hash
 * (bcrypt, Argon2) makes guessing low-entropy secrets expensive, but a 256-bit random key
 * cannot be guessed at any speed, so a stolen table of hashes gives nobody a key. A fast,
 * unsalted hash also lets a key be found by its hash in one read.
 *
 * @param value the key
 */
public record ApiKeySecret(String value) {

	/** What every API key starts with, telling it apart from a JWT. */
	public static final String PREFIX = "iq_";

	private static final SecureRandom RANDOM = new SecureRandom();

	/** A new random key. */
	public static ApiKeySecret generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return new ApiKeySecret(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	/** Whether a bearer token is meant as an API key (rather than a JWT). */
	public static boolean looksLikeKey(String token) {
		return token != null && token.startsWith(PREFIX);
	}

	/** The SHA-256 of the key, in hex: what is stored and looked up. */
	public String hash() {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(this.value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
		}
	}

	@Override
	public String toString() {
		return PREFIX + "…";
	}

}
