package io.inferq.worker.metrics;

import java.time.Instant;

/**
 * The jobs' backlog at one moment, and the endpoint instances it is shared among.
 *
 * @param waitingMessages the messages waiting in the jobs queues
 * @param instances the endpoint's instances at the time (at least 1)
 * @param at when the figures were read
 */
record BacklogSample(long waitingMessages, int instances, Instant at) {

	BacklogSample {
		if (waitingMessages < 0) {
			throw new IllegalArgumentException("waitingMessages must not be negative, not " + waitingMessages);
		}
		if (instances < 1) {
			throw new IllegalArgumentException("instances must be at least 1, not " + instances);
		}
	}

	/** The waiting messages per endpoint instance. */
	double perInstance() {
		return (double) this.waitingMessages / this.instances;
	}

}
