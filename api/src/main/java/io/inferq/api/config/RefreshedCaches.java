package io.inferq.api.config;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Caches of what the API reads per request from DynamoDB (API keys, tenants' webhook
 * endpoints) that a request never waits for while the entry is in use: an entry expires
 * {@code ttl} after it was read, which bounds how stale it can be, and an entry read
 * again after half of that is refreshed in the background while the old one is served.
 * Only an entry unused for longer than {@code ttl} (or never read) is waited for.
 */
public final class RefreshedCaches {

	private RefreshedCaches() {
	}

	/**
	 * A Caffeine builder that expires after {@code ttl} and refreshes after half of it;
	 * with a zero {@code ttl}, nothing is kept.
	 */
	public static Caffeine<Object, Object> expiringAfter(Duration ttl) {
		Caffeine<Object, Object> builder = Caffeine.newBuilder().expireAfterWrite(ttl);
		Duration refresh = ttl.dividedBy(2);
		return refresh.isZero() ? builder : builder.refreshAfterWrite(refresh);
	}

}
