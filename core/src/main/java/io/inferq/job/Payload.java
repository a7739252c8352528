package io.inferq.job;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Bytes with their media type: a job's input or the model's output. Either the bytes are
 * here (inline), or they are kept in an object store and this payload holds the claim
 * check ({@link #ref()}): its {@link #bytes()} then throws, so that nothing mistakes a
 * reference for empty content; fetch the bytes through the payload store first.
 *
 * @param bytes the content, never modified after construction; empty for a stored payload
 * @param contentType the media type, for example {@code application/json}
 * @param ref where the bytes are kept, or {@code null} for an inline payload
 */
public record Payload(byte[] bytes, String contentType, PayloadRef ref) {

	/** The media type of JSON. */
	public static final String JSON = "application/json";

	private static final byte[] NONE = new byte[0];

	public Payload {
		Objects.requireNonNull(bytes, "bytes");
		if (contentType == null || contentType.isBlank()) {
			throw new IllegalArgumentException("A payload needs a content type");
		}
		if (ref != null && bytes.length > 0) {
			throw new IllegalArgumentException("A stored payload has no bytes of its own");
		}
	}

	/** An inline payload. */
	public Payload(byte[] bytes, String contentType) {
		this(bytes, contentType, null);
	}

	/** A payload whose bytes are kept at {@code ref}. */
	public static Payload stored(PayloadRef ref, String contentType) {
		Objects.requireNonNull(ref, "ref");
		return new Payload(NONE, contentType, ref);
	}

	/** Whether the bytes are kept elsewhere ({@link #ref()}) rather than here. */
	public boolean isStored() {
		return this.ref != null;
	}

	/**
	 * The content.
	 * @throws IllegalStateException if the payload is stored elsewhere
	 */
	@Override
	public byte[] bytes() {
		if (this.ref != null) {
			throw new IllegalStateException("The payload is kept at " + this.ref + "; fetch it first");
		}
		return this.bytes;
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

	/**
	 * The number of bytes; for a stored payload as recorded in its reference, possibly
	 * {@link PayloadRef#UNKNOWN_SIZE}.
	 */
	public long size() {
		return (this.ref != null) ? this.ref.size() : this.bytes.length;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof Payload that && Arrays.equals(this.bytes, that.bytes)
				&& this.contentType.equals(that.contentType) && Objects.equals(this.ref, that.ref);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * Arrays.hashCode(this.bytes) + this.contentType.hashCode()) + Objects.hashCode(this.ref);
	}

	@Override
	public String toString() {
		return (this.ref != null) ? "Payload[" + this.ref + ", " + this.contentType + "]"
				: "Payload[" + this.bytes.length + " bytes, " + this.contentType + "]";
	}

}
