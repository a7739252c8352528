package io.inferq.job;

import java.util.Objects;

/**
 * Where the bytes of a payload too large for the job record are kept: an object in an
 * object store (S3), as a claim check.
 *
 * @param bucket the object's bucket
 * @param key the object's key
 * @param size the number of bytes, or {@link #UNKNOWN_SIZE} for an object a client named
 * that has not been looked at yet
 * @param sha256 the base64 SHA-256 of the bytes, checked when they are read back; or
 * {@code null} for an object a client wrote, which may be any
 * @param owned whether inferq wrote the object (and it expires with the job); an object a
 * client named ({@code inputLocation}) is only ever read
 */
public record PayloadRef(String bucket, String key, long size, String sha256, boolean owned) {

	/** The size of an object not looked at yet. */
	public static final long UNKNOWN_SIZE = -1;

	public PayloadRef {
		if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
			throw new IllegalArgumentException("A payload reference needs a bucket and a key");
		}
		if (size < UNKNOWN_SIZE) {
			throw new IllegalArgumentException("A payload's size cannot be negative: " + size);
		}
	}

	/** A client's object, named by an {@code s3://bucket/key} URI, not looked at yet. */
	public static PayloadRef clientObject(String location) {
		Objects.requireNonNull(location, "location");
		if (!location.startsWith("s3://")) {
			throw new IllegalArgumentException("An input location is an s3://bucket/key URI");
		}
		String path = location.substring("s3://".length());
		int slash = path.indexOf('/');
		if (slash <= 0 || slash == path.length() - 1) {
			throw new IllegalArgumentException("An input location is an s3://bucket/key URI");
		}
		return new PayloadRef(path.substring(0, slash), path.substring(slash + 1), UNKNOWN_SIZE, null, false);
	}

	/** Whether the size is known. */
	public boolean isSizeKnown() {
		return this.size != UNKNOWN_SIZE;
	}

	/** This reference with the size found by looking at the object. */
	public PayloadRef withSize(long newSize) {
		return new PayloadRef(this.bucket, this.key, newSize, this.sha256, this.owned);
	}

	/** The object as an {@code s3://bucket/key} URI. */
	public String uri() {
		return "s3://" + this.bucket + "/" + this.key;
	}

	@Override
	public String toString() {
		return uri() + " (" + (isSizeKnown() ? this.size + " bytes" : "size unknown") + ")";
	}

}
