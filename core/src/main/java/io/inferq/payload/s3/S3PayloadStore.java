package io.inferq.payload.s3;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.PayloadStoreException;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@link PayloadStore} on an S3 bucket: inferq's objects under one key prefix of one
 * bucket, each with a fresh random key, and clients' input objects only from the
 * locations configured for them ({@code s3://bucket/prefix}), never from inferq's own
 * prefix.
 * <p>
 * Reads are bounded: a client's object is read with a {@code Range} of one byte more than
 * allowed, so that an object that grew after it was looked at is refused without being
 * read whole. S3 failures are classified once, here: 404 and 403 and other 4xx are
 * permanent, 5xx, 408, 429 and connection failures are not.
 */
public class S3PayloadStore implements PayloadStore {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final S3AsyncClient s3;

	private final String bucket;

	private final String prefix;

	private final List<PayloadLocation> inputLocations;

	/**
	 * @param bucket the bucket inferq writes to
	 * @param prefix the key prefix of inferq's objects, which the lifecycle rule expires
	 * @param inputLocations where clients' input objects may be: {@code s3://bucket/} or
	 * {@code s3://bucket/prefix}
	 */
	public S3PayloadStore(S3AsyncClient s3, String bucket, String prefix, List<String> inputLocations) {
		this.s3 = s3;
		this.bucket = bucket;
		this.prefix = prefix;
		this.inputLocations = inputLocations.stream().map(PayloadLocation::parse).toList();
	}

	@Override
	public CompletableFuture<Payload> put(Payload inline) {
		byte[] bytes = inline.bytes();
		PayloadRef ref = new PayloadRef(this.bucket, this.prefix + newKey(), bytes.length, sha256(bytes), true);
		return classify(this.s3.putObject((request) -> request.bucket(ref.bucket())
			.key(ref.key())
			.contentType(inline.contentType())
			.contentLength((long) bytes.length), AsyncRequestBody.fromBytes(bytes)), ref)
			.thenApply((response) -> Payload.stored(ref, inline.contentType()));
	}

	@Override
	public CompletableFuture<Payload> describe(Payload stored, long maxBytes) {
		PayloadRef ref = stored.ref();
		PayloadStoreException refused = refusal(ref);
		if (refused != null) {
			return Futures.failed(refused);
		}
		return classify(this.s3.headObject((request) -> request.bucket(ref.bucket()).key(ref.key())), ref)
			.thenCompose((head) -> {
				long size = head.contentLength();
				if (size > maxBytes) {
					return Futures.failed(tooLarge(ref, size, maxBytes));
				}
				return CompletableFuture.completedFuture(Payload.stored(ref.withSize(size), stored.contentType()));
			});
	}

	@Override
	public CompletableFuture<Payload> get(Payload stored, long maxBytes) {
		PayloadRef ref = stored.ref();
		PayloadStoreException refused = refusal(ref);
		if (refused != null) {
			return Futures.failed(refused);
		}
		if (ref.isSizeKnown() && ref.size() > maxBytes) {
			return Futures.failed(tooLarge(ref, ref.size(), maxBytes));
		}
		CompletableFuture<byte[]> read = this.s3
			.getObject((request) -> request.bucket(ref.bucket()).key(ref.key()).range("bytes=0-" + maxBytes),
					AsyncResponseTransformer.toBytes())
			.thenApply((response) -> response.asByteArrayUnsafe());
		// S3 answers a range over an empty object with 416.
		CompletableFuture<byte[]> bytesRead = Futures.recover(read,
				(failure) -> (failure instanceof S3Exception s3 && s3.statusCode() == 416)
						? CompletableFuture.completedFuture(new byte[0]) : Futures.failed(failure));
		return classify(bytesRead, ref).thenCompose((bytes) -> {
			if (bytes.length > maxBytes) {
				return Futures.failed(tooLarge(ref, bytes.length, maxBytes));
			}
			if (ref.sha256() != null && (bytes.length != ref.size() || !ref.sha256().equals(sha256(bytes)))) {
				return Futures.failed(new PayloadStoreException(PayloadStoreException.CORRUPT,
						"The object at " + ref.uri() + " is not the one stored", true, null));
			}
			return CompletableFuture.completedFuture(new Payload(bytes, stored.contentType()));
		});
	}

	@Override
	public CompletableFuture<InputStream> open(Payload stored) {
		PayloadRef ref = stored.ref();
		PayloadStoreException refused = refusal(ref);
		if (refused != null) {
			return Futures.failed(refused);
		}
		return classify(this.s3.getObject((request) -> request.bucket(ref.bucket()).key(ref.key()),
				AsyncResponseTransformer.toBlockingInputStream()), ref)
			.thenApply(InputStream.class::cast);
	}

	@Override
	public CompletableFuture<Void> delete(Payload stored) {
		PayloadRef ref = stored.ref();
		if (!ref.owned() || !isOwn(ref)) {
			return CompletableFuture.completedFuture(null);
		}
		return classify(this.s3.deleteObject((request) -> request.bucket(ref.bucket()).key(ref.key())), ref)
			.thenApply((response) -> null);
	}

	/** Why a reference may not be read, or {@code null} if it may. */
	private PayloadStoreException refusal(PayloadRef ref) {
		if (ref.owned() ? isOwn(ref) : isClientLocation(ref)) {
			return null;
		}
		return new PayloadStoreException(PayloadStoreException.LOCATION_REFUSED,
				ref.uri() + " is not a location inputs may be read from; allowed: " + (this.inputLocations.isEmpty()
						? "none" : this.inputLocations.stream().map(PayloadLocation::toString).toList()),
				true, null);
	}

	private boolean isOwn(PayloadRef ref) {
		return ref.bucket().equals(this.bucket) && ref.key().startsWith(this.prefix);
	}

	private boolean isClientLocation(PayloadRef ref) {
		return !isOwn(ref) && this.inputLocations.stream().anyMatch((location) -> location.contains(ref));
	}

	private static PayloadStoreException tooLarge(PayloadRef ref, long size, long maxBytes) {
		return new PayloadStoreException(PayloadStoreException.TOO_LARGE, "The object at " + ref.uri() + " has "
				+ ((size > maxBytes) ? "more than " + maxBytes : size) + " bytes; at most " + maxBytes + " are allowed",
				true, size, null);
	}

	private static <T> CompletableFuture<T> classify(CompletableFuture<T> call, PayloadRef ref) {
		return Futures.recover(call, (failure) -> Futures.failed(classify(failure, ref)));
	}

	static PayloadStoreException classify(Throwable failure, PayloadRef ref) {
		if (failure instanceof PayloadStoreException payload) {
			return payload;
		}
		if (failure instanceof NoSuchKeyException || (failure instanceof S3Exception s3 && s3.statusCode() == 404)) {
			return new PayloadStoreException(PayloadStoreException.NOT_FOUND, "No object at " + ref.uri(), true,
					failure);
		}
		if (failure instanceof S3Exception s3 && s3.statusCode() == 403) {
			return new PayloadStoreException(PayloadStoreException.ACCESS_DENIED,
					"Access to " + ref.uri() + " is denied to inferq", true, failure);
		}
		if (failure instanceof S3Exception s3 && s3.statusCode() >= 400 && s3.statusCode() < 500
				&& s3.statusCode() != 408 && s3.statusCode() != 429) {
			return new PayloadStoreException(PayloadStoreException.ACCESS_DENIED,
					"S3 refused " + ref.uri() + ": " + s3.getMessage(), true, failure);
		}
		String detail = (failure instanceof SdkClientException) ? failure.getMessage() : String.valueOf(failure);
		return PayloadStoreException.unavailable("S3 failed for " + ref.uri() + ": " + detail, failure);
	}

	private static String newKey() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String sha256(byte[] bytes) {
		try {
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/** An {@code s3://bucket/prefix} location clients may name objects in. */
	record PayloadLocation(String bucket, String prefix) {

		static PayloadLocation parse(String location) {
			if (location == null || !location.startsWith("s3://") || location.length() <= "s3://".length()) {
				throw new IllegalArgumentException(
						"An input location is s3://bucket/ or s3://bucket/prefix, not " + location);
			}
			String path = location.substring("s3://".length());
			int slash = path.indexOf('/');
			return (slash < 0) ? new PayloadLocation(path, "")
					: new PayloadLocation(path.substring(0, slash), path.substring(slash + 1));
		}

		boolean contains(PayloadRef ref) {
			return ref.bucket().equals(this.bucket) && ref.key().startsWith(this.prefix);
		}

		@Override
		public String toString() {
			return "s3://" + this.bucket + "/" + this.prefix;
		}

	}

}
