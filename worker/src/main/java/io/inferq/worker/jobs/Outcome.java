package io.inferq.worker.jobs;

import java.time.Duration;

/**
 * What to do with a job message once the runner is done with it.
 */
sealed interface Outcome {

	/**
	 * The job's outcome is stored (or there is nothing left to do): delete the message.
	 */
	Outcome ACKNOWLEDGE = new Acknowledge();

	/**
	 * Keep the message and let it come back after {@code delay}: a retry, or a job
	 * another worker holds.
	 */
	static Outcome retryIn(Duration delay) {
		return new RetryIn(delay);
	}

	record Acknowledge() implements Outcome {
	}

	record RetryIn(Duration delay) implements Outcome {
	}

}
