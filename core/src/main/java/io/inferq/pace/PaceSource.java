package io.inferq.pace;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the cluster's pace is read from. Non-blocking; failures complete the future
 * exceptionally.
 */
public interface PaceSource {

	/** The cluster's pace now, or empty if no worker has written any. */
	CompletableFuture<Optional<ClusterPace>> read();

}
