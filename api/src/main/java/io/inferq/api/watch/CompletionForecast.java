package io.inferq.api.watch;

import java.util.Optional;

import io.inferq.batch.Batch;

/**
 * What is expected of a batch before any of its jobs has ended: a role the ETA estimator
 * plays.
 */
public interface CompletionForecast {

	/** When its last job is expected to end, if anything is known. */
	Optional<java.time.Instant> completionOf(Batch batch);

	/** Jobs expected to end per second in its lane; 0 if nothing is known. */
	double ratePerSecond(Batch batch);

}
