package io.inferq.api.jobs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON as RFC 8259 defines it between systems: UTF-8, one value, and no object with the
 * same name twice.
 */
public final class StrictJson {

	private static final JsonFactory factory = JsonFactory.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private StrictJson() {
	}

	/** A parser over {@code text}. */
	public static JsonParser parser(String text) {
		return factory.createParser(ObjectReadContext.empty(), text);
	}

	/**
	 * {@code bytes} as text.
	 * @throws CharacterCodingException if they are not UTF-8
	 */
	public static String utf8(byte[] bytes) throws CharacterCodingException {
		return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
	}

	/** {@code bytes} as text if they are one well-formed JSON value in UTF-8. */
	public static Optional<String> text(byte[] bytes) {
		try {
			String text = utf8(bytes);
			try (JsonParser parser = parser(text)) {
				if (parser.nextToken() == null) {
					return Optional.empty();
				}
				parser.skipChildren();
				return (parser.nextToken() == null) ? Optional.of(text) : Optional.empty();
			}
		}
		catch (CharacterCodingException | JacksonException ex) {
			return Optional.empty();
		}
	}

}
