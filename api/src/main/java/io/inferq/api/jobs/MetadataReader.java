package io.inferq.api.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.inferq.api.config.ApiProperties;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a job's metadata: an object of string values under plain keys, within the
 * configured limits. Values may be any text but control characters and unpaired
 * surrogates, so that they can be stored and shown as they were sent.
 */
public final class MetadataReader {

	private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]+");

	private final ApiProperties.Metadata limits;

	public MetadataReader(ApiProperties.Metadata limits) {
		this.limits = limits;
	}

	/** The metadata at the parser, empty if {@code null}. */
	public Map<String, String> read(JsonParser parser, JsonToken token) {
		if (token == JsonToken.VALUE_NULL) {
			return Map.of();
		}
		if (token != JsonToken.START_OBJECT) {
			throw new InvalidJobRequestException(
					"'metadata' must be an object of strings, for example {\"customer\": \"acme\"}", "/metadata");
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		for (String key = parser.nextName(); key != null; key = parser.nextName()) {
			if (metadata.size() == this.limits.maxEntries()) {
				throw new InvalidJobRequestException(
						"'metadata' has more than " + this.limits.maxEntries() + " entries; send fewer", "/metadata");
			}
			if (key.length() > this.limits.maxKeyLength() || !KEY.matcher(key).matches()) {
				throw new InvalidJobRequestException("Metadata keys are 1 to " + this.limits.maxKeyLength()
						+ " characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'", "/metadata");
			}
			String pointer = "/metadata/" + key;
			if (parser.nextToken() != JsonToken.VALUE_STRING) {
				throw new InvalidJobRequestException("Metadata values must be strings", pointer);
			}
			metadata.put(key, value(parser.getString(), pointer));
		}
		return metadata;
	}

	/**
	 * Metadata given as key-value pairs (a raw-body submit's {@code metadata.KEY} query
	 * parameters), by the same rules.
	 */
	public Map<String, String> read(Map<String, String> pairs) {
		if (pairs.size() > this.limits.maxEntries()) {
			throw new InvalidJobRequestException(
					"'metadata' has more than " + this.limits.maxEntries() + " entries; send fewer", "/metadata");
		}
		Map<String, String> metadata = new LinkedHashMap<>();
		pairs.forEach((key, value) -> {
			if (key.length() > this.limits.maxKeyLength() || !KEY.matcher(key).matches()) {
				throw new InvalidJobRequestException("Metadata keys are 1 to " + this.limits.maxKeyLength()
						+ " characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'", "/metadata");
			}
			metadata.put(key, value(value, "/metadata/" + key));
		});
		return metadata;
	}

	private String value(String value, String pointer) {
		if (value.codePointCount(0, value.length()) > this.limits.maxValueLength()) {
			throw new InvalidJobRequestException(
					"Metadata values may be " + this.limits.maxValueLength() + " characters long at most", pointer);
		}
		if (value.codePoints()
			.anyMatch((c) -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
			throw new InvalidJobRequestException("Metadata values must be text without control characters "
					+ "(such as NUL or line breaks) or unpaired surrogates", pointer);
		}
		return value;
	}

}
