package io.inferq.api.webhooks;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import org.springframework.http.ProblemDetail;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.AddressPolicy;
import io.inferq.webhook.CallbackUrls;
import io.inferq.webhook.TenantWebhooks.TenantWebhook;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * Where a job's or a batch's completion event goes: the request's {@code callbackUrl},
 * checked at once ({@link CallbackUrls}), or else the tenant's default endpoint (cached),
 * or nowhere.
 */
public class Callbacks {

	private final AddressPolicy policy;

	private final AsyncLoadingCache<TenantId, Optional<TenantWebhook>> endpoints;

	Callbacks(AddressPolicy policy, AsyncLoadingCache<TenantId, Optional<TenantWebhook>> endpoints) {
		this.policy = policy;
		this.endpoints = endpoints;
	}

	/**
	 * Callbacks to public addresses only, without tenants' default endpoints: for tests
	 * of the readers.
	 */
	public static Callbacks publicOnly() {
		return new Callbacks(AddressPolicy.publicOnly(), null);
	}

	/**
	 * The callback URL {@code value} names, or {@code null} for none.
	 * @throws ErrorResponseException 400 if it is not an acceptable callback
	 */
	public URI parse(String value) {
		if (value == null) {
			return null;
		}
		try {
			return CallbackUrls.parse(value, this.policy);
		}
		catch (IllegalArgumentException ex) {
			ErrorResponseException problem = new ErrorResponseException(HttpStatus.BAD_REQUEST,
					problem(HttpStatus.BAD_REQUEST, "Invalid callback", ex.getMessage()), null);
			problem.getBody().setProperty("pointer", "/callbackUrl");
			throw problem;
		}
	}

	/**
	 * {@code requested}, or, if {@code null}, the tenant's default endpoint if it has
	 * one.
	 */
	public CompletableFuture<URI> resolve(TenantId tenant, URI requested) {
		if (requested != null || this.endpoints == null) {
			return CompletableFuture.completedFuture(requested);
		}
		return this.endpoints.get(tenant).thenApply((webhook) -> webhook.map(TenantWebhook::endpoint).orElse(null));
	}

	/** Forgets the tenant's cached endpoint, after it changed here. */
	void forget(TenantId tenant) {
		if (this.endpoints != null) {
			this.endpoints.synchronous().invalidate(tenant);
		}
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
