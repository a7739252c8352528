package io.inferq.api.security;

import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Makes a validated JWT a {@link Caller}: the tenant from
 * {@link SecurityProperties#tenantClaim()}, and limits from the quota claims where the
 * issuer sets them. A token without a valid tenant is refused.
 */
final class JwtCallerConverter implements Converter<Jwt, AbstractAuthenticationToken> {

	private final SecurityProperties properties;

	JwtCallerConverter(SecurityProperties properties) {
		this.properties = properties;
	}

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		Object tenant = jwt.getClaims().get(this.properties.tenantClaim());
		if (!(tenant instanceof String name) || !TenantId.isValid(name)) {
			throw new InvalidBearerTokenException("The token's '" + this.properties.tenantClaim()
					+ "' claim does not name a tenant (1 to 64 of A-Z, a-z, 0-9, '_', '.', '-')");
		}
		try {
			TenantQuota quota = new TenantQuota(number(jwt, this.properties.submitsPerSecondClaim(), Double.class),
					number(jwt, this.properties.submitBurstClaim(), Integer.class),
					number(jwt, this.properties.maxQueuedJobsClaim(), Long.class));
			return new CallerAuthentication(new Caller(new TenantId(name), quota, "jwt:" + jwt.getSubject()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidBearerTokenException("The token's quota claims are not valid: " + ex.getMessage());
		}
	}

	private static <T extends Number> T number(Jwt jwt, String claim, Class<T> type) {
		Object value = jwt.getClaims().get(claim);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Number number)) {
			throw new IllegalArgumentException("'" + claim + "' must be a number");
		}
		if (type == Double.class) {
			return type.cast(number.doubleValue());
		}
		if (type == Integer.class) {
			return type.cast(number.intValue());
		}
		return type.cast(number.longValue());
	}

}
