package io.inferq.payload;

/**
 * A payload could not be stored or read. {@link #isPermanent()} tells a failure no retry
 * can mend (the object is gone, too large, not where clients may point) from one that may
 * pass (the store is unreachable or busy). {@link #reason()} is a short type for the
 * job's error, such as {@code InputNotFound}.
 */
public class PayloadStoreException extends RuntimeException {

	/** The object does not exist. */
	public static final String NOT_FOUND = "PayloadNotFound";

	/** The object is larger than allowed. */
	public static final String TOO_LARGE = "PayloadTooLarge";

	/** The location is not one clients may name. */
	public static final String LOCATION_REFUSED = "PayloadLocationRefused";

	/** The object is not what was stored (checksum or size differ). */
	public static final String CORRUPT = "PayloadCorrupt";

	/** The store refused access. */
	public static final String ACCESS_DENIED = "PayloadAccessDenied";

	/** The store could not be reached or failed; another try may pass. */
	public static final String UNAVAILABLE = "PayloadStoreUnavailable";

	private final String reason;

	private final boolean permanent;

	private final long size;

	public PayloadStoreException(String reason, String message, boolean permanent, Throwable cause) {
		this(reason, message, permanent, -1, cause);
	}

	/**
	 * @param size the object's size when it is known and matters ({@link #TOO_LARGE}),
	 * otherwise -1
	 */
	public PayloadStoreException(String reason, String message, boolean permanent, long size, Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.permanent = permanent;
		this.size = size;
	}

	/** The store is unreachable or failed: another try may pass. */
	public static PayloadStoreException unavailable(String message, Throwable cause) {
		return new PayloadStoreException(UNAVAILABLE, message, false, cause);
	}

	/** A short type of the failure, such as {@link #NOT_FOUND}. */
	public String reason() {
		return this.reason;
	}

	/** Whether no retry can help. */
	public boolean isPermanent() {
		return this.permanent;
	}

	/** The object's size for {@link #TOO_LARGE}, otherwise -1. */
	public long size() {
		return this.size;
	}

}
