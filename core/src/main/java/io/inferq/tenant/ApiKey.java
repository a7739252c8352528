package io.inferq.tenant;

import java.time.Instant;
import java.util.Objects;

/**
 * An API key as stored: never the key itself, only its SHA-256 ({@link ApiKeySecret}).
 *
 * @param id the key's public identifier, to list and revoke it by: the first 16 hex
 * digits of its hash
 * @param hash the SHA-256 of the key, in hex
 * @param tenant whose key it is
 * @param name what the key is for, as its creator put it, or {@code null}
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or {@code null} while it is valid
 * @param quota the limits it sets for its tenant
 */
public record ApiKey(String id, String hash, TenantId tenant, String name, Instant createdAt, Instant revokedAt,
		TenantQuota quota) {

	public ApiKey {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(hash, "hash");
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(createdAt, "createdAt");
		quota = (quota != null) ? quota : TenantQuota.DEFAULTS;
	}

	/** A new key of {@code tenant}'s for {@code secret}. */
	public static ApiKey of(ApiKeySecret secret, TenantId tenant, String name, Instant now, TenantQuota quota) {
		String hash = secret.hash();
		return new ApiKey(idOf(hash), hash, tenant, name, now, null, quota);
	}

	/** The public identifier of the key whose hash is {@code hash}. */
	public static String idOf(String hash) {
		return hash.substring(0, 16);
	}

	/** Whether the key was revoked. */
	public boolean isRevoked() {
		return this.revokedAt != null;
	}

}
