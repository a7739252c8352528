package io.inferq.infra.sagemaker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deterministic fault or latency asked for in a JSON request body, under the
 * {@value #FIELD} field:
 * <pre>{@code {"_emulator": {"error": "ModelError", "originalStatusCode": 400, "message": "bad input"}}
 * {"_emulator": {"error": "ThrottlingException", "times": 2, "key": "abc"}}
 * {"_emulator": {"latencyMs": 3000}}}</pre>
 *
 * @param error the code of the error to answer with ({@link SageMakerError#code()}), or
 * {@code null}
 * @param message the error's message (for {@code ModelError}, the model's message)
 * @param originalStatusCode for {@code ModelError}, the status the model answered with
 * @param times fail only the first {@code times} invocations carrying {@code key}, then
 * succeed; {@code null} fails every one
 * @param key what counts invocations as the same for {@code times}; defaults to the whole
 * trigger
 * @param latencyMs how long the model takes for this invocation, in milliseconds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record Trigger(String error, String message, Integer originalStatusCode, Integer times, String key, Long latencyMs) {

	/** The field of a JSON object body that holds the trigger. */
	static final String FIELD = "_emulator";

	private static final int DEFAULT_MODEL_STATUS = 500;

	/**
	 * The trigger in {@code body}, or {@code null} if the body is not a JSON object with
	 * a {@value #FIELD} field.
	 * @throws InvocationException a {@code ValidationError} if the trigger is malformed
	 */
	static Trigger find(byte[] body, JsonMapper json) {
		if (body.length == 0 || body[0] != '{' || !new String(body, StandardCharsets.UTF_8).contains(FIELD)) {
			return null;
		}
		try {
			JsonNode trigger = json.readTree(body).path(FIELD);
			if (trigger.isMissingNode()) {
				return null;
			}
			return json.treeToValue(trigger, Trigger.class).validated();
		}
		catch (IllegalArgumentException | JacksonException ex) {
			throw new InvocationException(SageMakerError.VALIDATION_ERROR,
					"Malformed " + FIELD + " trigger: " + ex.getMessage());
		}
	}

	private Trigger validated() {
		if (this.error != null) {
			SageMakerError.fromCode(this.error);
		}
		if (this.latencyMs != null && this.latencyMs < 0) {
			throw new IllegalArgumentException("latencyMs must not be negative");
		}
		return this;
	}

	/** The fault this trigger asks for, or {@code null} if it asks for none. */
	InvocationException fault() {
		if (this.error == null) {
			return null;
		}
		SageMakerError type = SageMakerError.fromCode(this.error);
		if (type == SageMakerError.MODEL_ERROR) {
			return InvocationException.modelError(
					(this.originalStatusCode != null) ? this.originalStatusCode : DEFAULT_MODEL_STATUS,
					(this.message != null) ? this.message : "Injected model error");
		}
		return new InvocationException(type, this.message);
	}

	/** What counts invocations as the same for {@code times}. */
	String counterKey() {
		return (this.key != null) ? this.key : toString();
	}

	Duration latency() {
		return (this.latencyMs != null) ? Duration.ofMillis(this.latencyMs) : null;
	}

}
