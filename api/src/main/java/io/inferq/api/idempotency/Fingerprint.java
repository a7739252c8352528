package io.inferq.api.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * A SHA-256 digest of what a request means: its method, path, media type and body bytes.
 * Two requests under one idempotency key are the same request if their fingerprints are
 * equal. A streamed body is digested as it is read.
 * <p>
 * The media type counts without its parameters and case: the API reads every body as
 * UTF-8 JSON or NDJSON whatever they say, so {@code application/json; charset=utf-8} and
 * {@code application/JSON} mean what {@code application/json} does.
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
		for (String part : new String[] { method, path, mediaType(contentType) }) {
			this.digest.update(part.getBytes(StandardCharsets.UTF_8));
			this.digest.update((byte) 0);
		}
	}

	private static String mediaType(String contentType) {
		if (contentType == null) {
			return "";
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return type.getType() + "/" + type.getSubtype();
		}
		catch (InvalidMediaTypeException ex) {
			return contentType.strip().toLowerCase(Locale.ROOT);
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
