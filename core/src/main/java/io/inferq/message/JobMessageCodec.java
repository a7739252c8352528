package io.inferq.message;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.tenant.TenantId;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * The JSON form of a {@link JobMessage}, version 1:
 *
 * <pre>
 * {"jobId": "…", "tenant": "…", "deadline": "…"}                        a job that is stored already
 * {"jobId": "…", "tenant": "…", "inBatch": true}                        a batch's job, stored already
 * {"jobId": "…", "input": {…any JSON…}, "accept": "…", "metadata": {…}}  a new job with JSON input
 * {"jobId": "…", "inputBase64": "…", "contentType": "…"}                  a new job with binary input
 * {"jobId": "…", "inputLocation": "s3://bucket/key", "contentType": "…"}  a new job with input in S3
 * </pre>
 *
 * JSON input is kept as the exact text of the {@code input} value, as the API keeps it:
 * numbers of any precision reach the model as written. A message with the same field
 * twice is malformed. {@code tenant} is optional everywhere: a message without one
 * belongs to the default tenant, and the default tenant's messages are written without
 * it.
 * <p>
 * Unknown fields are ignored so that newer senders do not break older workers.
 */
public final class JobMessageCodec {

	private static final JsonMapper mapper = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/**
	 * The most metadata entries, and the longest keys and values (in characters): the
	 * API's defaults ({@code inferq.api.metadata.*}), so that a message carries no more
	 * than a submit may, and its job always fits one record.
	 */
	static final int MAX_METADATA_ENTRIES = 16;

	static final int MAX_METADATA_KEY_LENGTH = 64;

	static final int MAX_METADATA_VALUE_LENGTH = 256;

	private static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_METADATA_KEY_LENGTH + "}");

	/** The longest media type SageMaker accepts in its ContentType header. */
	private static final int MAX_MEDIA_TYPE_LENGTH = 1024;

	private static final Pattern MEDIA_TYPE = Pattern
		.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*;[\\x20-\\x7E]*)?");

	private JobMessageCodec() {
	}

	/** The message as JSON text. */
	public static String encode(JobMessage message) {
		if (message.input() == null && message.accept() == null && message.metadata().isEmpty()) {
			// The message of a stored job, sent once per job: written directly. IDs and
			// tenants are made of characters JSON does not escape (their patterns).
			StringBuilder json = new StringBuilder(96).append("{\"jobId\":\"").append(message.jobId().value());
			if (!message.tenant().equals(TenantId.DEFAULT)) {
				json.append("\",\"tenant\":\"").append(message.tenant().value());
			}
			if (message.deadline() != null) {
				// ISO-8601: digits, '-', ':', '.', 'T' and 'Z' only.
				json.append("\",\"deadline\":\"").append(message.deadline());
			}
			return json.append(message.inBatch() ? "\",\"inBatch\":true}" : "\"}").toString();
		}
		ObjectNode node = mapper.createObjectNode();
		node.put("jobId", message.jobId().value());
		if (!message.tenant().equals(TenantId.DEFAULT)) {
			node.put("tenant", message.tenant().value());
		}
		if (message.inBatch()) {
			node.put("inBatch", true);
		}
		if (message.deadline() != null) {
			node.put("deadline", message.deadline().toString());
		}
		Payload input = message.input();
		if (input != null && input.isStored()) {
			node.put("inputLocation", input.ref().uri());
			node.put("contentType", input.contentType());
		}
		else if (input != null && input.isJson()) {
			node.putRawValue("input", new RawValue(input.text()));
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
			return new JobMessage(jobId, TenantId.orDefault(optionalText(node, "tenant")), input(node, body),
					optionalText(node, "accept"), metadata(node), inBatch(node), deadline(node));
		}
		catch (IllegalArgumentException ex) {
			throw new MalformedJobMessageException(jobId, ex.getMessage(), ex);
		}
	}

	private static Payload input(JsonNode node, String body) {
		int inputs = (node.has("input") ? 1 : 0) + (node.has("inputBase64") ? 1 : 0)
				+ (node.has("inputLocation") ? 1 : 0);
		if (inputs > 1) {
			throw new IllegalArgumentException(
					"A job message has one of 'input', 'inputBase64' and 'inputLocation', not several");
		}
		if (node.has("input")) {
			if (node.get("input").isNull()) {
				throw new IllegalArgumentException("'input' is null; send the model's input as any other JSON value");
			}
			if (node.has("contentType")) {
				throw new IllegalArgumentException("'contentType' goes with 'inputBase64' or 'inputLocation' only");
			}
			return Payload.json(rawInput(body));
		}
		if (node.has("inputBase64")) {
			byte[] bytes = Base64.getDecoder().decode(requiredText(node, "inputBase64"));
			return new Payload(bytes, mediaType(requiredText(node, "contentType")));
		}
		if (node.has("inputLocation")) {
			return Payload.stored(PayloadRef.clientObject(requiredText(node, "inputLocation")),
					mediaType(requiredText(node, "contentType")));
		}
		return null;
	}

	/** The exact text of the top-level {@code input} value of a well-formed message. */
	private static String rawInput(String body) {
		try (JsonParser parser = mapper.createParser(body)) {
			parser.nextToken();
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken token = parser.nextToken();
				if (!name.equals("input")) {
					parser.skipChildren();
					continue;
				}
				int start = Math.toIntExact(parser.currentTokenLocation().getCharOffset());
				if (token.isStructStart()) {
					parser.skipChildren();
				}
				else {
					parser.finishToken();
				}
				int end = Math.toIntExact(parser.currentLocation().getCharOffset());
				return body.substring(start, end);
			}
		}
		throw new IllegalStateException("The message has no 'input'");
	}

	/** A concrete media type such as {@code image/png}, as SageMaker takes it. */
	private static String mediaType(String value) {
		if (value.length() > MAX_MEDIA_TYPE_LENGTH || !MEDIA_TYPE.matcher(value).matches()
				|| value.split(";", 2)[0].contains("*")) {
			throw new IllegalArgumentException("'contentType' must be a media type such as image/png, in at most "
					+ MAX_MEDIA_TYPE_LENGTH + " printable ASCII characters");
		}
		return value;
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
			if (pairs.size() == MAX_METADATA_ENTRIES) {
				throw new IllegalArgumentException("'metadata' has more than " + MAX_METADATA_ENTRIES + " entries");
			}
			if (!METADATA_KEY.matcher(entry.getKey()).matches()) {
				throw new IllegalArgumentException("Metadata keys are 1 to " + MAX_METADATA_KEY_LENGTH
						+ " characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'");
			}
			if (!entry.getValue().isString()) {
				throw new IllegalArgumentException("'metadata." + entry.getKey() + "' must be a string");
			}
			String value = entry.getValue().stringValue();
			if (value.codePointCount(0, value.length()) > MAX_METADATA_VALUE_LENGTH || value.codePoints()
				.anyMatch((c) -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
				throw new IllegalArgumentException("'metadata." + entry.getKey() + "' must be text of at most "
						+ MAX_METADATA_VALUE_LENGTH + " characters without control characters");
			}
			pairs.put(entry.getKey(), value);
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

	private static Instant deadline(JsonNode node) {
		String deadline = optionalText(node, "deadline");
		try {
			return (deadline != null) ? Instant.parse(deadline) : null;
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("'deadline' must be an ISO-8601 instant, such as 2026-12-01T12:00:00Z");
		}
	}

	private static boolean inBatch(JsonNode node) {
		JsonNode value = node.get("inBatch");
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw new IllegalArgumentException("'inBatch' must be true or false");
		}
		return value.booleanValue();
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
