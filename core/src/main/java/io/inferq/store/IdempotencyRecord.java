package io.inferq.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What an idempotency key was first used for: the resource a request created, and a
 * fingerprint of that request, so that a retry with the same key gets the same resource
 * and a different request under that key can be refused.
 *
 * @param key the SHA-256 (hex) of the key's scope and the client's key, see
 * {@link #keyOf}
 * @param resourceId the ID of the resource the first request created (or is creating)
 * @param fingerprint a digest of the first request, or {@code null} when it is only known
 * once the resource is complete (then it is kept with the resource)
 * @param createdAt when the key was first used
 * @param expiresAt after when the key may be used again for another request
 */
public record IdempotencyRecord(String key, String resourceId, String fingerprint, Instant createdAt,
		Instant expiresAt) {

	public IdempotencyRecord {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(resourceId, "resourceId");
		Objects.requireNonNull(createdAt, "createdAt");
		Objects.requireNonNull(expiresAt, "expiresAt");
	}

	/**
	 * The stored key of a client's idempotency key within {@code scope} (for example
	 * {@code POST /v1/jobs}): a hash, so that keys of any text have a bounded, safe form.
	 */
	public static String keyOf(String scope, String clientKey) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(scope.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			digest.update(clientKey.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
		}
	}

	/** Whether the key may be used again for another request. */
	public boolean isExpired(Instant now) {
		return !now.isBefore(this.expiresAt);
	}

}
