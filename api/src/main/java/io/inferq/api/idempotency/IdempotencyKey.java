package io.inferq.api.idempotency;

import java.util.Optional;
import java.util.regex.Pattern;

import io.inferq.store.IdempotencyRecord;
import io.inferq.tenant.TenantId;

/**
 * A client's {@code Idempotency-Key} header: 1 to 255 printable ASCII characters. A retry
 * of a request with the same key gets the resource the first request created, and creates
 * nothing.
 *
 * @param value the key as sent
 */
public record IdempotencyKey(String value) {

	/** The request header that carries the key. */
	public static final String HEADER = "Idempotency-Key";

	/** The response header that marks the answer to a replayed request. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private static final Pattern VALID = Pattern.compile("[\\x20-\\x7E]{1,255}");

	public IdempotencyKey {
		if (value == null || !VALID.matcher(value).matches()) {
			throw IdempotencyException.invalidKey();
		}
	}

	/**
	 * The key of a request's header value, empty without one.
	 * @throws IdempotencyException (400) if the value is not a valid key
	 */
	public static Optional<IdempotencyKey> of(String header) {
		return (header != null) ? Optional.of(new IdempotencyKey(header)) : Optional.empty();
	}

	/**
	 * The key as stored for {@code tenant} within {@code scope}, such as
	 * {@code POST /v1/jobs}: the same key of two tenants, or on two endpoints, is two
	 * keys, so one tenant's key never leads to another tenant's job or batch.
	 */
	public String stored(TenantId tenant, String scope) {
		return IdempotencyRecord.keyOf(tenant.value() + " " + scope, this.value);
	}

}
