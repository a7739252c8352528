package io.inferq.tenant;

import java.util.regex.Pattern;

/**
 * Who a job, a batch or an API key belongs to: 1 to 64 characters of letters, digits,
 * {@code _ . -}, starting with a letter or digit. Never contains {@code #}, so that it
 * can be part of a composite DynamoDB key.
 *
 * @param value the tenant's name
 */
public record TenantId(String value) {

	/** What a tenant name may look like. */
	public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	/**
	 * The tenant of jobs sent straight to the queue without one, of records stored before
	 * tenants existed, and of anonymous callers where anonymous access is enabled.
	 */
	public static final TenantId DEFAULT = new TenantId("default");

	public TenantId {
		if (value == null || !PATTERN.matcher(value).matches()) {
			throw new IllegalArgumentException(
					"A tenant is 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', starting with a letter or digit");
		}
	}

	/** Whether {@code value} is a well-formed tenant name. */
	public static boolean isValid(String value) {
		return value != null && PATTERN.matcher(value).matches();
	}

	/** The tenant named {@code value}, or {@link #DEFAULT} for {@code null}. */
	public static TenantId orDefault(String value) {
		return (value != null) ? new TenantId(value) : DEFAULT;
	}

	@Override
	public String toString() {
		return this.value;
	}

}
