package io.inferq.worker.inference;

import java.util.concurrent.CompletableFuture;

/**
 * Admits a model's output into memory: called once the output's length is known and
 * before its bytes are read, so that a caller with a memory budget can wait for room (the
 * bytes stay in the connection meanwhile) or refuse an output too large.
 */
@FunctionalInterface
public interface OutputGate {

	/**
	 * @param length the output's length in bytes, or -1 if the model did not say
	 * @return completes when the bytes may be read; a failed future fails the invocation
	 * with its failure
	 */
	CompletableFuture<Void> admit(long length);

}
