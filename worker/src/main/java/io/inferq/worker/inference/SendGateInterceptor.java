package io.inferq.worker.inference;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Asks an invocation's {@link SendGate} at {@code beforeTransmission}: after the request
 * is marshalled and signed, right before the HTTP client takes it. A gate that says no
 * fails the call with {@link InferenceException#notSent()}. Requests without a gate
 * ({@link #GATE}) pass untouched.
 */
public final class SendGateInterceptor implements ExecutionInterceptor {

	/** The gate of one invocation, set on its request. */
	public static final ExecutionAttribute<SendGate> GATE = new ExecutionAttribute<>("inferq.sendGate");

	@Override
	public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
		SendGate gate = attributes.getAttribute(GATE);
		if (gate != null && !gate.maySend()) {
			throw InferenceException.notSent();
		}
	}

}
