package io.inferq.api.security;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import io.inferq.api.config.RefreshedCaches;
import io.inferq.concurrent.Futures;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates bearer tokens that are API keys ({@link ApiKeySecret#looksLikeKey}); any
 * other token is left to the next provider (JWTs). A key is looked up by its SHA-256, and
 * the answer, found or not, is cached for {@link SecurityProperties#keyCacheTtl()}: that
 * is how long a revoked key may still be accepted. A key in use is read again in the
 * background after half of that ({@link RefreshedCaches}), so that its requests never
 * wait for the read: one DynamoDB read per key in use per half TTL. Concurrent checks of
 * one key share one read.
 * <p>
 * A key store that fails or does not answer in time is an
 * {@link AuthenticationServiceException} (503), not a refusal.
 */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

	private static final Logger logger = LoggerFactory.getLogger(ApiKeyAuthenticationProvider.class);

	private final AsyncLoadingCache<String, Optional<ApiKey>> keys;

	private final Duration timeout;

	private final boolean jwtAccepted;

	/**
	 * @param timeout the longest a key check may wait for the store
	 * @param jwtAccepted whether another provider takes JWTs; if not, any token that is
	 * not an API key is refused here
	 */
	ApiKeyAuthenticationProvider(ApiKeyStore store, SecurityProperties properties, Duration timeout,
			boolean jwtAccepted) {
		this.keys = RefreshedCaches.expiringAfter(properties.keyCacheTtl())
			.maximumSize(properties.keyCacheSize())
			.buildAsync((hash, executor) -> store.findByHash(hash));
		this.timeout = timeout;
		this.jwtAccepted = jwtAccepted;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		String token = ((BearerTokenAuthenticationToken) authentication).getToken();
		if (!ApiKeySecret.looksLikeKey(token)) {
			if (this.jwtAccepted) {
				return null;
			}
			throw new InvalidBearerTokenException("The token is not an API key, and no JWT issuer is configured");
		}
		Optional<ApiKey> key = find(new ApiKeySecret(token).hash());
		if (key.isEmpty() || key.get().isRevoked()) {
			throw new InvalidBearerTokenException(
					key.isEmpty() ? "The API key is not known" : "The API key was revoked");
		}
		ApiKey found = key.get();
		return new CallerAuthentication(new Caller(found.tenant(), found.quota(), "key:" + found.id()));
	}

	private Optional<ApiKey> find(String hash) {
		try {
			return this.keys.get(hash).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("An API key could not be checked: {}", Futures.unwrap(ex).toString());
			throw new AuthenticationServiceException("The key store is unavailable", Futures.unwrap(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AuthenticationServiceException("Interrupted while checking an API key", ex);
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
