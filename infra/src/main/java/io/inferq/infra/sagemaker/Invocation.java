package io.inferq.infra.sagemaker;

import java.time.Duration;

/**
 * One InvokeEndpoint request, as the model sees it.
 *
 * @param body the request body
 * @param contentType the body's media type, or {@code null}
 * @param accept the media type asked for, or {@code null}
 * @param customAttributes {@code X-Amzn-SageMaker-Custom-Attributes}, or {@code null}
 * @param trigger the deterministic fault or latency asked for in the body, or
 * {@code null}
 */
record Invocation(byte[] body, String contentType, String accept, String customAttributes, Trigger trigger) {

	/** The latency the trigger asks for, or {@code null} to use the model's own. */
	Duration latencyOverride() {
		return (this.trigger != null) ? this.trigger.latency() : null;
	}

}
