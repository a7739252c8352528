package io.inferq.api.config;

import java.time.Duration;

import io.inferq.store.dynamodb.DynamoDbJobStore;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the job API accepts and answers requests.
 *
 * @param maxInputSize the largest job input: the JSON text of {@code input}, or the
 * decoded bytes of {@code inputBase64}
 * @param defaultTimeToStart how long a job may wait in the queue when the request does
 * not say
 * @param maxTimeToStart the longest {@code timeToStart} a request may ask for
 * @param expectedLatency the typical time from submit to result; clients are told to poll
 * again after it ({@code Retry-After})
 * @param unavailableRetryAfter when clients should try again after the job store or the
 * queue failed
 * @param awsCallTimeout the longest one call to an AWS service may take, retries
 * included, before the request fails with 503
 * @param metadata limits on the client's key-value pairs
 * @param idempotencyTtl how long an {@code Idempotency-Key} stays bound to the request
 * that first used it
 * @param batches how batches are enqueued and read
 * @param maxBufferedBodies the most bytes of request bodies held in memory at once, over
 * all the requests whose bodies are parsed whole ({@code POST /v1/jobs}, JSON batches); a
 * request beyond it is answered 503 with {@code Retry-After}. Each byte costs about three
 * in the heap while its body is parsed (its bytes and its text), so keep it below a third
 * of the heap; at least one body of either kind's largest size
 */
@ConfigurationProperties(ApiProperties.PREFIX)
public record ApiProperties(@DefaultValue("256KB") DataSize maxInputSize,
		@DefaultValue("6h") Duration defaultTimeToStart, @DefaultValue("24h") Duration maxTimeToStart,
		@DefaultValue("2s") Duration expectedLatency, @DefaultValue("5s") Duration unavailableRetryAfter,
		@DefaultValue("5s") Duration awsCallTimeout, @DefaultValue Metadata metadata,
		@DefaultValue("24h") Duration idempotencyTtl, @DefaultValue Batches batches,
		@DefaultValue("64MB") DataSize maxBufferedBodies) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.api";

	private static final long ENVELOPE_BYTES = 16 * 1024;

	/** The most bytes one character can take in JSON: a surrogate pair as two escapes. */
	private static final int MAX_JSON_BYTES_PER_CHARACTER = 12;

	public ApiProperties {
		if (maxInputSize.toBytes() <= 0 || maxInputSize.toBytes() >= DynamoDbJobStore.MAX_ITEM_BYTES) {
			throw new IllegalArgumentException(PREFIX + ".max-input-size must be positive and below DynamoDB's "
					+ DynamoDbJobStore.MAX_ITEM_BYTES + "-byte item limit, for example 256KB; was " + maxInputSize);
		}
		requirePositive("max-time-to-start", maxTimeToStart, "24h");
		if (!isPositive(defaultTimeToStart) || defaultTimeToStart.compareTo(maxTimeToStart) > 0) {
			throw new IllegalArgumentException(PREFIX + ".default-time-to-start must be positive and at most " + PREFIX
					+ ".max-time-to-start (" + maxTimeToStart + "); was " + defaultTimeToStart);
		}
		requirePositive("expected-latency", expectedLatency, "2s");
		requirePositive("unavailable-retry-after", unavailableRetryAfter, "5s");
		requirePositive("aws-call-timeout", awsCallTimeout, "5s");
		requirePositive("idempotency-ttl", idempotencyTtl, "24h");
		long largestBody = Math.max(maxRequestBytes(maxInputSize, metadata), batches.maxJsonBodySize().toBytes());
		if (maxBufferedBodies.toBytes() < largestBody) {
			throw new IllegalArgumentException(PREFIX + ".max-buffered-bodies must hold at least the largest body "
					+ "read whole (" + largestBody + " bytes: " + PREFIX + ".batches.max-json-body-size, or a job "
					+ "request with the largest input and metadata), for example 64MB; was " + maxBufferedBodies);
		}
	}

	/**
	 * The largest request body worth reading: the largest input in base64, the most
	 * metadata with every character escaped, and 16 KiB for everything else.
	 */
	public long maxRequestBytes() {
		return maxRequestBytes(this.maxInputSize, this.metadata);
	}

	private static long maxRequestBytes(DataSize maxInputSize, Metadata metadata) {
		long base64 = (maxInputSize.toBytes() + 2) / 3 * 4;
		long metadataBytes = (long) metadata.maxEntries() * (metadata.maxKeyLength() + metadata.maxValueLength())
				* MAX_JSON_BYTES_PER_CHARACTER;
		return base64 + metadataBytes + ENVELOPE_BYTES;
	}

	private static void requirePositive(String name, Duration value, String example) {
		if (!isPositive(value)) {
			throw new IllegalArgumentException(
					PREFIX + "." + name + " must be positive, for example " + example + "; was " + value);
		}
	}

	private static boolean isPositive(Duration value) {
		return !value.isNegative() && !value.isZero();
	}

	/**
	 * How batches are enqueued and read. A batch item (an NDJSON line or an element of a
	 * JSON body's {@code items}) may be as large as a single job's request body.
	 *
	 * @param maxItems the most items in one batch
	 * @param maxJsonBodySize the largest {@code application/json} batch body, which is
	 * read whole; larger batches are sent as {@code application/x-ndjson}, which is
	 * streamed
	 * @param chunkSize how many items are stored and counted together
	 * @param chunkBytes the most input bytes in one chunk, whatever its number of items
	 * @param parallelism how many chunks one ingest stores (or queues) at the same time
	 * @param lease how long an ingest is presumed alive without renewing its lease; a
	 * retry under the same idempotency key after it lapsed starts the batch over
	 * @param maxPageSize the most jobs in one page of a batch's job listing
	 * @param maxScannedPerPage the most jobs one page of a listing filtered by status
	 * looks at; a page may then hold fewer jobs than asked for, with a token for the next
	 * @param resultsTimeout the longest a results export may stream
	 */
	public record Batches(@DefaultValue("1000000") int maxItems, @DefaultValue("32MB") DataSize maxJsonBodySize,
			@DefaultValue("100") int chunkSize, @DefaultValue("2MB") DataSize chunkBytes,
			@DefaultValue("6") int parallelism, @DefaultValue("60s") Duration lease,
			@DefaultValue("100") int maxPageSize, @DefaultValue("1000") int maxScannedPerPage,
			@DefaultValue("30m") Duration resultsTimeout) {

		public Batches {
			if (maxItems < 1 || chunkSize < 1 || parallelism < 1 || maxPageSize < 1
					|| maxScannedPerPage < maxPageSize) {
				throw new IllegalArgumentException(PREFIX + ".batches.max-items, chunk-size, parallelism and "
						+ "max-page-size must be at least 1, and max-scanned-per-page at least max-page-size; were "
						+ maxItems + ", " + chunkSize + ", " + parallelism + ", " + maxPageSize + " and "
						+ maxScannedPerPage);
			}
			if (chunkBytes.toBytes() < 1 || maxJsonBodySize.toBytes() < 1) {
				throw new IllegalArgumentException(
						PREFIX + ".batches.chunk-bytes and max-json-body-size must be positive");
			}
			requirePositive("batches.lease", lease, "60s");
			requirePositive("batches.results-timeout", resultsTimeout, "30m");
		}

	}

	/**
	 * Limits on a job's metadata. Keys are letters, digits, {@code _ - . :}; values are
	 * any text without control characters. Lengths count Unicode characters.
	 *
	 * @param maxEntries the most key-value pairs per job
	 * @param maxKeyLength the longest key
	 * @param maxValueLength the longest value
	 */
	public record Metadata(@DefaultValue("16") int maxEntries, @DefaultValue("64") int maxKeyLength,
			@DefaultValue("256") int maxValueLength) {

		public Metadata {
			if (maxEntries < 0 || maxKeyLength < 1 || maxValueLength < 1) {
				throw new IllegalArgumentException(PREFIX + ".metadata.max-entries must be zero or more and " + PREFIX
						+ ".metadata.max-key-length and max-value-length at least 1; were " + maxEntries + ", "
						+ maxKeyLength + " and " + maxValueLength);
			}
		}

	}

}
