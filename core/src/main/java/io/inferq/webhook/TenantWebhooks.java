package io.inferq.webhook;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.tenant.TenantId;

/**
 * Each tenant's webhook settings: the secret its deliveries are signed with, made on
 * first use, and the endpoint its jobs' events go to when a request names none.
 * Non-blocking, never throws: failures complete the future exceptionally.
 */
public interface TenantWebhooks {

	/** The tenant's settings, made with a new secret and no endpoint if it had none. */
	CompletableFuture<TenantWebhook> of(TenantId tenant);

	/**
	 * The tenant's settings if it has any, without making them.
	 */
	CompletableFuture<Optional<TenantWebhook>> find(TenantId tenant);

	/** Sets (or, with {@code null}, removes) the tenant's default endpoint. */
	CompletableFuture<TenantWebhook> setEndpoint(TenantId tenant, URI endpoint);

	/**
	 * A tenant's webhook settings.
	 *
	 * @param tenant whose they are
	 * @param secret {@code whsec_<base64>}, signs every delivery of the tenant's events
	 * @param endpoint where events go when a request names no callback, or {@code null}
	 */
	record TenantWebhook(TenantId tenant, String secret, URI endpoint) {
	}

}
