package io.inferq.api.jobs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON as RFC 8259 defines it between systems: UTF-8, one value, and no object with the
 * same name twice.
 */
public final class StrictJson {

	private static final JsonFactory factory = JsonFactory.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/** How many characters the UTF-8 check decodes at a time. */
	private static final int CHECK_BUFFER_CHARS = 4096;

	/** Where Jackson's messages name its own types, settings or the source. */
	private static final Pattern INTERNALS = Pattern
		.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|, from `[^`]*`|\\s*`[^`]*`");

	private static final Pattern UNPRINTABLE = Pattern.compile("[^\\x20-\\x7E]");

	private static final Pattern UNSAFE = Pattern.compile("Source:|\\bjava\\.|\\bjackson\\b|Exception|Constraints");

	private StrictJson() {
	}

	/** A parser over {@code text}. */
	public static JsonParser parser(String text) {
		return factory.createParser(ObjectReadContext.empty(), text);
	}

	/**
	 * {@code bytes} as text. Checks them with a small buffer and then decodes them in one
	 * go, so that a large body costs its text and not a second copy on the way.
	 * @throws CharacterCodingException if they are not UTF-8
	 */
	public static String utf8(byte[] bytes) throws CharacterCodingException {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
		ByteBuffer in = ByteBuffer.wrap(bytes);
		CharBuffer out = CharBuffer.allocate(CHECK_BUFFER_CHARS);
		while (true) {
			CoderResult result = decoder.decode(in, out, true);
			if (result.isError()) {
				result.throwException();
			}
			if (result.isUnderflow()) {
				break;
			}
			out.clear();
		}
		out.clear();
		CoderResult flushed = decoder.flush(out);
		if (flushed.isError()) {
			flushed.throwException();
		}
		return new String(bytes, StandardCharsets.UTF_8);
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

	/**
	 * What is wrong with the JSON, in the client's terms: where, and the parser's reason
	 * without the names of its own types and settings (such as the limit a document went
	 * beyond).
	 */
	public static String problem(JacksonException ex) {
		TokenStreamLocation location = ex.getLocation();
		String where = (location != null && location.getLineNr() > 0)
				? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "";
		String reason = (ex.getOriginalMessage() != null)
				? UNPRINTABLE.matcher(INTERNALS.matcher(ex.getOriginalMessage()).replaceAll("")).replaceAll("?") : "";
		return "Malformed JSON" + where + ((reason.isBlank() || UNSAFE.matcher(reason).find()) ? "" : ": " + reason);
	}

}
