package io.inferq.cli;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a line of the input file into a batch item.
 * <p>
 * A line holding a JSON object with a {@code customId} field is a complete item
 * ({@code customId}, {@code input}, or {@code inputBase64} or {@code inputLocation} +
 * {@code contentType}, {@code accept}, {@code metadata}) and is sent byte for byte. Any
 * other JSON line is the input of one job whose {@code customId} is the line's number in
 * the file (1-based, blank lines counted): {@code {"customId":"<line>","input":<the
 * line>}}.
 */
final class Items {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private Items() {
	}

	/**
	 * The item for a line, as the UTF-8 bytes of one NDJSON line (without its newline).
	 * @param fileLine the line's 1-based number in the file
	 * @param line the line, not blank
	 * @throws InvalidInputException if the line is not JSON
	 */
	static byte[] item(int fileLine, String line) {
		JsonNode json;
		try {
			json = mapper.readTree(line);
		}
		catch (JacksonException ex) {
			throw new InvalidInputException(fileLine, "not JSON: " + ex.getOriginalMessage());
		}
		if (json.isObject() && json.has("customId")) {
			return line.getBytes(StandardCharsets.UTF_8);
		}
		return ("{\"customId\":\"" + fileLine + "\",\"input\":" + line + "}").getBytes(StandardCharsets.UTF_8);
	}

}
