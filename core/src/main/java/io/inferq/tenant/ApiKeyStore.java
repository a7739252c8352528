package io.inferq.tenant;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where API keys are kept, by their hash. Non-blocking: failures complete the future
 * exceptionally.
 */
public interface ApiKeyStore {

	/** Stores a new key. */
	CompletableFuture<ApiKey> create(ApiKey key);

	/** The key whose hash is {@code hash}, revoked or not; empty if there is none. */
	CompletableFuture<Optional<ApiKey>> findByHash(String hash);

	/**
	 * Revokes the key with public identifier {@code id}; a key revoked already keeps its
	 * first revocation time.
	 * @return the key, revoked; empty if there is no such key
	 */
	CompletableFuture<Optional<ApiKey>> revoke(String id, Instant now);

	/** Every key, or only {@code tenant}'s if not {@code null}, by tenant and ID. */
	CompletableFuture<List<ApiKey>> list(TenantId tenant);

}
