package io.inferq.api.security;

import java.util.Objects;

import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;

/**
 * Who is calling, as authenticated: the tenant whose jobs and batches the request may
 * see, and the limits its credential sets. The principal of every authenticated request,
 * so that controllers take it as {@code @AuthenticationPrincipal Caller}.
 *
 * @param tenant the caller's tenant
 * @param quota the limits of the caller's credential; defaults where it sets none
 * @param credential what authenticated the caller, for logs: {@code key:<id>},
 * {@code jwt:<subject>} or {@code anonymous}
 */
public record Caller(TenantId tenant, TenantQuota quota, String credential) {

	public Caller {
		Objects.requireNonNull(tenant, "tenant");
		quota = (quota != null) ? quota : TenantQuota.DEFAULTS;
		Objects.requireNonNull(credential, "credential");
	}

	/** A caller without credential, where anonymous access is enabled. */
	static Caller anonymous() {
		return new Caller(TenantId.DEFAULT, TenantQuota.DEFAULTS, "anonymous");
	}

	@Override
	public String toString() {
		return this.tenant + " (" + this.credential + ")";
	}

}
