package io.inferq.worker.inference;

import java.util.concurrent.CompletableFuture;

import io.inferq.job.Payload;

/**
 * Invokes the model once. Non-blocking: returns at once; the future completes with the
 * model's output or fails with an {@link InferenceException} that says whether trying
 * again may help.
 */
public interface InferenceClient {

	/**
	 * @param input the request body and its content type
	 * @param accept the media type asked of the model, or {@code null} for the model's
	 * default
	 */
	CompletableFuture<Payload> invoke(Payload input, String accept);

	/**
	 * As {@link #invoke(Payload, String)}, asking {@code gate} before the output's bytes
	 * are read. A client that cannot wait before it reads ignores the gate.
	 */
	default CompletableFuture<Payload> invoke(Payload input, String accept, OutputGate gate) {
		return invoke(input, accept);
	}

}
