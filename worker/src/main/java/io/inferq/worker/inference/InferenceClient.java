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
	 * As {@link #invoke(Payload, String)}, asking {@code send} as late as the client can
	 * before the request leaves; one that says no fails the invocation with
	 * {@link InferenceException#notSent()}. This default asks it once, before
	 * {@link #invoke(Payload, String)}.
	 */
	default CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send) {
		if (!send.maySend()) {
			return CompletableFuture.failedFuture(InferenceException.notSent());
		}
		return invoke(input, accept);
	}

	/**
	 * As {@link #invoke(Payload, String, SendGate)}, asking {@code output} before the
	 * output's bytes are read. A client that cannot wait before it reads ignores that
	 * gate.
	 */
	default CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send, OutputGate output) {
		return invoke(input, accept, send);
	}

}
