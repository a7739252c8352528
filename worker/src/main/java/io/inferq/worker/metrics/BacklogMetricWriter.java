package io.inferq.worker.metrics;

import java.util.concurrent.CompletableFuture;

/**
 * Where the backlog per endpoint instance goes, for the endpoint's autoscaling to read.
 */
interface BacklogMetricWriter {

	/**
	 * Records one sample. Never blocks.
	 * @return a future that completes once the sample is stored, or fails if it could not
	 * be
	 */
	CompletableFuture<Void> write(BacklogSample sample);

}
