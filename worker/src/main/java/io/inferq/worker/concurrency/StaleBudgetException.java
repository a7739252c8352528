package io.inferq.worker.concurrency;

/**
 * A versioned write to a budget lost to another: the budget is no longer at the version
 * the writer read. Carries the budget as now stored.
 */
public class StaleBudgetException extends RuntimeException {

	private final transient Budget current;

	public StaleBudgetException(long expectedVersion, Budget current) {
		super("The budget is at version " + current.version() + ", not " + expectedVersion);
		this.current = current;
	}

	/** The budget as stored when the write lost. */
	public Budget current() {
		return this.current;
	}

}
