package io.inferq.api.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the API. API keys ({@code Authorization: Bearer iq_...}) are always
 * accepted; JWTs too once Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} (or {@code jwk-set-uri})
 * names their issuer.
 *
 * @param anonymous whether requests without credentials are served, as the default
 * tenant's; off unless enabled explicitly (local runs, tests)
 * @param keyCacheTtl how long a key check is remembered: a revoked key is refused at the
 * latest this long after its revocation (at most 60 s)
 * @param keyCacheSize the most key checks remembered
 * @param tenantClaim the JWT claim that names the tenant (for Cognito machine clients,
 * {@code client_id}); a JWT without it is refused
 * @param submitsPerSecondClaim the JWT claim that sets the tenant's submit rate, if any
 * @param submitBurstClaim the JWT claim that sets the tenant's submit burst, if any
 * @param maxQueuedJobsClaim the JWT claim that sets the tenant's queued-jobs limit, if
 * any
 */
@ConfigurationProperties(SecurityProperties.PREFIX)
public record SecurityProperties(@DefaultValue("false") boolean anonymous, @DefaultValue("30s") Duration keyCacheTtl,
		@DefaultValue("10000") int keyCacheSize, @DefaultValue("tenant") String tenantClaim,
		@DefaultValue("inferq_submits_per_second") String submitsPerSecondClaim,
		@DefaultValue("inferq_submit_burst") String submitBurstClaim,
		@DefaultValue("inferq_max_queued_jobs") String maxQueuedJobsClaim) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.api.security";

	/** The longest a revoked key may still be accepted. */
	public static final Duration MAX_KEY_CACHE_TTL = Duration.ofSeconds(60);

	public SecurityProperties {
		if (keyCacheTtl.isNegative() || keyCacheTtl.compareTo(MAX_KEY_CACHE_TTL) > 0) {
			throw new IllegalArgumentException(PREFIX + ".key-cache-ttl is how long a revoked key may still be "
					+ "accepted: 0 to 60s, for example 30s; was " + keyCacheTtl);
		}
		if (keyCacheSize < 1) {
			throw new IllegalArgumentException(PREFIX + ".key-cache-size must be at least 1; was " + keyCacheSize);
		}
		if (tenantClaim == null || tenantClaim.isBlank()) {
			throw new IllegalArgumentException(PREFIX + ".tenant-claim must name a JWT claim, for example tenant");
		}
	}

}
