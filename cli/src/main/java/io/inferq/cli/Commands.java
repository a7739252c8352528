package io.inferq.cli;

/**
 * What the small commands share.
 */
final class Commands {

	private Commands() {
	}

	/** Shows each retry on stderr. */
	static BatchesClient.RetryListener retryMessages(Inferq inferq) {
		return (what, reason, delay) -> inferq.err()
			.println("Retrying " + what + " in " + delay.toMillis() + " ms: " + reason);
	}

}
