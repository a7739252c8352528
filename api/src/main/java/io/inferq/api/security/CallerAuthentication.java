package io.inferq.api.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * An authenticated {@link Caller}, by API key or JWT. Carries no authorities: what a
 * caller may do is decided by its tenant alone.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

	private final Caller caller;

	CallerAuthentication(Caller caller) {
		super(List.of());
		this.caller = caller;
		setAuthenticated(true);
	}

	@Override
	public Caller getPrincipal() {
		return this.caller;
	}

	@Override
	public Object getCredentials() {
		return "";
	}

	@Override
	public String getName() {
		return this.caller.credential();
	}

}
