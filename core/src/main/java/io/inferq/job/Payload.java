package io.inferq.job;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Bytes with their media type: a job's input or the model's output.
 *
 * @param bytes the content, never modified after construction
 * @param contentType the media type, for example {@code application/json}
 */
public record Payload(byte[] bytes, String contentType) {

	/** The media type of JSON. */
	public static final String JSON = "application/json";

	public Payload {
		Objects.requireNonNull(bytes, "bytes");
		if (contentType == null || contentType.isBlank()) {
			throw new IllegalArgumentException("A payload needs a content type");
		}
	}

	/** A JSON payload from its serialised text. */
	public static Payload json(String json) {
		return new Payload(json.getBytes(StandardCharsets.UTF_8), JSON);
	}

	/**
	 * Whether the content type is JSON ({@code application/json} or a {@code +json}
	 * suffix).
	 */
	public boolean isJson() {
		String mediaType = this.contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
		return mediaType.equals(JSON) || mediaType.endsWith("+json");
	}

	/** The content as UTF-8 text. */
	public String text() {
		return new String(this.bytes, StandardCharsets.UTF_8);
	}

	/** The number of bytes. */
	public int size() {
		return this.bytes.length;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Payload that && Arrays.equals(this.bytes, that.bytes)
				&& this.contentType.equals(that.contentType);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.bytes) + this.contentType.hashCode();
	}

	@Override
	public String toString() {
		return "Payload[" + this.bytes.length + " bytes, " + this.contentType + "]";
	}

}
