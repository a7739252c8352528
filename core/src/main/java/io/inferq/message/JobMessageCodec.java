package io.inferq.message;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.tenant.TenantId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of a {@link JobMessage}, version 1:
 *
 * <pre>
 * {"jobId": "…", "tenant": "…"}                                         a job that is stored already
 * {"jobId": "…", "input": {…any JSON…}, "accept": "…", "metadata": {…}}  a new job with JSON input
 * {"jobId": "…", "inputBase64": "…", "contentType": "…"}                  a new job with binary input
 * </pre>
 *
 * {@code tenant} is optional everywhere: a message without one belongs to the default
 * tenant, and the default tenant's messages are written without it.
 * <p>
 * Unknown fields are ignored so that newer senders do not break older workers.
 */
public final class JobMessageCodec {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private JobMessageCodec() {
	}

	/** The message as JSON text. */
	public static String encode(JobMessage message) {
		ObjectNode node = mapper.createObjectNode();
		node.put("jobId", message.jobId().value());
		if (!message.tenant().equals(TenantId.DEFAULT)) {
			node.put("tenant", message.tenant().value());
		}
		Payload input = message.input();
		if (input != null && input.isJson()) {
			node.set("input", mapper.readTree(input.bytes()));
		}
		else if (input != null) {
			node.put("inputBase64", Base64.getEncoder().encodeToString(input.bytes()));
			node.put("contentType", input.contentType());
		}
		if (message.accept() != null) {
			node.put("accept", message.accept());
		}
		if (!message.metadata().isEmpty()) {
			ObjectNode metadata = node.putObject("metadata");
			message.metadata().forEach(metadata::put);
		}
		return mapper.writeValueAsString(node);
	}

	/**
	 * Reads a message.
	 * @throws MalformedJobMessageException if the text is not a valid job message
	 */
	public static JobMessage decode(String body) {
		JsonNode node;
		try {
			node = mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new MalformedJobMessageException("A job message must be a JSON object: " + ex.getOriginalMessage(),
					ex);
		}
		if (node == null || !node.isObject()) {
			throw new MalformedJobMessageException("A job message must be a JSON object", null);
		}
		JobId jobId;
		try {
			jobId = new JobId(requiredText(node, "jobId"));
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedJobMessageException(ex.getMessage(), ex);
		}
		try {
			return new JobMessage(jobId, TenantId.orDefault(optionalText(node, "tenant")), input(node),
					optionalText(node, "accept"), metadata(node));
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedJobMessageException(jobId, ex.getMessage(), ex);
		}
	}

	private static Payload input(JsonNode node) {
		if (node.has("input") && node.has("inputBase64")) {
			throw new IllegalArgumentException("A job message has either 'input' or 'inputBase64', not both");
		}
		if (node.has("input")) {
			return Payload.json(mapper.writeValueAsString(node.get("input")));
		}
		if (node.has("inputBase64")) {
			byte[] bytes = Base64.getDecoder().decode(requiredText(node, "inputBase64"));
			return new Payload(bytes, requiredText(node, "contentType"));
		}
		return null;
	}

	private static Map<String, String> metadata(JsonNode node) {
		JsonNode metadata = node.get("metadata");
		if (metadata == null || metadata.isNull()) {
			return Map.of();
		}
		if (!metadata.isObject()) {
			throw new IllegalArgumentException("'metadata' must be an object of strings");
		}
		Map<String, String> pairs = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
			if (!entry.getValue().isString()) {
				throw new IllegalArgumentException("'metadata." + entry.getKey() + "' must be a string");
			}
			pairs.put(entry.getKey(), entry.getValue().stringValue());
		}
		return pairs;
	}

	private static String requiredText(JsonNode node, String field) {
		String value = optionalText(node, field);
		if (value == null) {
			throw new IllegalArgumentException("'" + field + "' is required and must be a string");
		}
		return value;
	}

	private static String optionalText(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException("'" + field + "' must be a string");
		}
		return value.stringValue();
	}

}
