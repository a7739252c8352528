package io.inferq.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the
 * {@code webhook-signature} header is {@code v1,<base64 HMAC-SHA256>} of
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, keyed with the secret's bytes (the
 * base64 after {@code whsec_}).
 */
public final class WebhookSignature {

	/** The prefix of every secret. */
	public static final String SECRET_PREFIX = "whsec_";

	/** Random bytes in a new secret (the spec asks for 24 to 64). */
	private static final int SECRET_BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private WebhookSignature() {
	}

	/** A new random secret, {@code whsec_<base64 of 32 bytes>}. */
	public static String newSecret() {
		byte[] bytes = new byte[SECRET_BYTES];
		RANDOM.nextBytes(bytes);
		return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
	}

	/**
	 * The {@code webhook-signature} header value.
	 * @param secret {@code whsec_<base64>}
	 * @param timestamp the {@code webhook-timestamp}, epoch seconds
	 * @throws IllegalArgumentException if the secret is not {@code whsec_} and base64
	 */
	public static String sign(String secret, String id, long timestamp, String body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
			byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(digest);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Whether {@code header} (one or more space-separated {@code v1,<signature>}) holds
	 * the signature of the message, compared in constant time. Receivers should also
	 * refuse timestamps far from their clock; this does not.
	 */
	public static boolean verify(String secret, String id, long timestamp, String body, String header) {
		byte[] expected = sign(secret, id, timestamp, body).getBytes(StandardCharsets.UTF_8);
		for (String candidate : header.trim().split(" +")) {
			if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
				return true;
			}
		}
		return false;
	}

	private static byte[] key(String secret) {
		String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
		return Base64.getDecoder().decode(encoded);
	}

}
