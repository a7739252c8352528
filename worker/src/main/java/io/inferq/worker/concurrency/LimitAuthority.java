package io.inferq.worker.concurrency;

/**
 * What stands behind a {@link LaneLimiter}'s limit: whether this worker may start
 * requests at all now, under which generation of the limit, and what to tell it. The
 * cluster-wide budget ({@link ClusterBudget}) is one.
 * <p>
 * Called with the limiter's lock held: implementations return at once and never call back
 * into the limiter on the calling thread.
 */
public interface LimitAuthority {

	/** An authority that always allows what the limit allows, for a limiter alone. */
	LimitAuthority NONE = new LimitAuthority() {
	};

	/**
	 * Whether requests may be started now; when this turns from false to true, the
	 * authority raises the limiter's limit (or calls {@link LaneLimiter#setLimit}) so
	 * that waiters are admitted.
	 */
	default boolean mayStart() {
		return true;
	}

	/** The generation of the limit that a permit granted now is granted under. */
	default long generation() {
		return 0;
	}

	/** A permit granted under {@code generation} was dropped for overload. */
	default void dropped(long generation) {
	}

	/** Waiters or permits in use changed: the demand the authority may want to know. */
	default void demandChanged() {
	}

}
