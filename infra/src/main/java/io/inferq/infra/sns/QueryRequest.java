package io.inferq.infra.sns;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of one AWS Query request ({@code application/x-www-form-urlencoded}:
 * {@code Action=Publish&TopicArn=...}), with the helpers to read its flattened lists and
 * maps ({@code MessageAttributes.entry.1.Name}, {@code Attributes.entry.1.key}).
 */
final class QueryRequest {

	private final Map<String, String> parameters;

	private QueryRequest(Map<String, String> parameters) {
		this.parameters = parameters;
	}

	/** Parses a form-encoded body; a malformed pair is an {@code InvalidParameter}. */
	static QueryRequest parse(String form) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String pair : form.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			try {
				String name = URLDecoder.decode((equals < 0) ? pair : pair.substring(0, equals),
						StandardCharsets.UTF_8);
				String value = (equals < 0) ? ""
						: URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
				parameters.put(name, value);
			}
			catch (IllegalArgumentException ex) {
				throw SnsError.invalidParameter("Malformed form parameter: " + ex.getMessage());
			}
		}
		return new QueryRequest(parameters);
	}

	String action() {
		return this.parameters.getOrDefault("Action", "");
	}

	/** The parameter, or {@code null}. */
	String optional(String name) {
		return this.parameters.get(name);
	}

	/** The parameter; a missing or empty one is an {@code InvalidParameter}. */
	String required(String name) {
		String value = this.parameters.get(name);
		if (value == null || value.isEmpty()) {
			throw SnsError.invalidParameter("Invalid parameter: " + name + " is required");
		}
		return value;
	}

	/**
	 * A flattened map such as {@code Attributes.entry.N.key} / {@code .value}, under
	 * {@code prefix} ({@code Attributes}).
	 */
	Map<String, String> map(String prefix, String keyName, String valueName) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int n = 1; this.parameters.containsKey(prefix + ".entry." + n + "." + keyName); n++) {
			map.put(this.parameters.get(prefix + ".entry." + n + "." + keyName),
					this.parameters.getOrDefault(prefix + ".entry." + n + "." + valueName, ""));
		}
		return map;
	}

	/**
	 * Message attributes under {@code prefix}: {@code prefix.entry.N.Name},
	 * {@code .Value.DataType}, {@code .Value.StringValue} (binary values are not kept).
	 */
	Map<String, MessageAttribute> messageAttributes(String prefix) {
		Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
		for (int n = 1; this.parameters.containsKey(prefix + ".entry." + n + ".Name"); n++) {
			String entry = prefix + ".entry." + n;
			String type = this.parameters.getOrDefault(entry + ".Value.DataType", "String");
			String value = this.parameters.getOrDefault(entry + ".Value.StringValue", "");
			attributes.put(this.parameters.get(entry + ".Name"), new MessageAttribute(type, value));
		}
		return attributes;
	}

	/** A view of the parameters under {@code prefix.} (one member of a list). */
	QueryRequest member(String prefix) {
		Map<String, String> member = new LinkedHashMap<>();
		this.parameters.forEach((name, value) -> {
			if (name.startsWith(prefix + ".")) {
				member.put(name.substring(prefix.length() + 1), value);
			}
		});
		return new QueryRequest(member);
	}

	boolean has(String name) {
		return this.parameters.keySet().stream().anyMatch((key) -> key.equals(name) || key.startsWith(name + "."));
	}

	/**
	 * One message attribute: its data type ({@code String}, {@code Number}...) and value.
	 */
	record MessageAttribute(String type, String value) {
	}

}
