package io.inferq.api.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 digest of a request: its method, path, content type and body bytes. Two
 * requests under one idempotency key are the same request if their fingerprints are
 * equal. A streamed body is digested as it is read.
 */
public final class Fingerprint {

	private final MessageDigest digest;

	private Fingerprint(String method, String path, String contentType) {
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
		}
		for (String part : new String[] { method, path, (contentType != null) ? contentType : "" }) {
			this.digest.update(part.getBytes(StandardCharsets.UTF_8));
			this.digest.update((byte) 0);
		}
	}

	/** A fingerprint of a request whose body is still to be digested. */
	public static Fingerprint of(String method, String path, String contentType) {
		return new Fingerprint(method, path, contentType);
	}

	/** The fingerprint of a request with the whole {@code body}. */
	public static String of(String method, String path, String contentType, byte[] body) {
		Fingerprint fingerprint = of(method, path, contentType);
		fingerprint.update(body, 0, body.length);
		return fingerprint.hex();
	}

	/** Digests more of the body. */
	public void update(byte[] bytes, int offset, int length) {
		this.digest.update(bytes, offset, length);
	}

	/** The fingerprint, in hex, once the whole body was digested. */
	public String hex() {
		return HexFormat.of().formatHex(this.digest.digest());
	}

}
