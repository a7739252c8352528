package io.inferq.api.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.idempotency.Fingerprint;
import io.inferq.job.Payload;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;

/**
 * Reads a raw-body submit: the body is the input, byte for byte, with the request's
 * Content-Type, and the job's options are query parameters ({@code accept},
 * {@code timeToStart}, {@code metadata.KEY}), checked by the same rules as a JSON
 * request's fields. The body is read no further than the input limit: a declared length
 * above it is refused before a byte is read.
 */
final class RawSubmitReader {

	/** The query parameter that makes an {@code application/json} body a raw input. */
	static final String RAW = "raw";

	private static final String METADATA = "metadata.";

	private static final String OPTIONS = "a raw-body submit takes the query parameters 'accept', 'timeToStart', "
			+ "'callbackUrl', 'metadata.KEY' and 'raw'";

	private final SubmitRequestReader reader;

	private final ApiProperties properties;

	private final MetadataReader metadata;

	RawSubmitReader(SubmitRequestReader reader, ApiProperties properties) {
		this.reader = reader;
		this.properties = properties;
		this.metadata = new MetadataReader(properties.metadata());
	}

	/**
	 * Reads a raw submit.
	 * @param declaredLength the {@code Content-Length}, or a negative number if unknown
	 */
	RawSubmission read(InputStream body, long declaredLength, String contentType,
			MultiValueMap<String, String> options) {
		if (contentType == null || contentType.isBlank()) {
			throw new InvalidJobRequestException(
					"A raw-body submit needs the input's Content-Type, for example image/jpeg");
		}
		if (contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
			throw new ErrorResponseException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
							"Content-Type '" + MediaType.APPLICATION_FORM_URLENCODED_VALUE
									+ "' is not supported: send a JSON "
									+ "request, or the input itself with its own Content-Type"),
					null);
		}
		String type = SubmitRequestReader.mediaType(contentType, "Content-Type", true);
		String accept = null;
		Duration timeToStart = null;
		URI callback = null;
		Map<String, String> pairs = new TreeMap<>();
		for (Map.Entry<String, List<String>> option : options.entrySet()) {
			String name = option.getKey();
			if (option.getValue().size() > 1) {
				throw new InvalidJobRequestException("The query parameter '" + safe(name) + "' is given twice");
			}
			String value = option.getValue().get(0);
			if (name.equals("accept")) {
				accept = SubmitRequestReader.mediaType(value, "accept", false);
			}
			else if (name.equals("timeToStart")) {
				timeToStart = this.reader.timeToStart(value);
			}
			else if (name.equals("callbackUrl")) {
				callback = this.reader.callback(value);
			}
			else if (name.startsWith(METADATA)) {
				pairs.put(name.substring(METADATA.length()), value);
			}
			else if (!name.equals(RAW)) {
				throw new InvalidJobRequestException("Unknown query parameter '" + safe(name) + "'; " + OPTIONS);
			}
		}
		byte[] bytes = read(body, declaredLength);
		JobSubmission submission = this.reader
			.submission(new Payload(bytes, type), accept, this.metadata.read(pairs), timeToStart)
			.withCallback(callback);
		return new RawSubmission(submission, type, options);
	}

	private byte[] read(InputStream body, long declaredLength) {
		long limit = this.properties.maxInputSize().toBytes();
		if (declaredLength > limit) {
			Bodies.discard(body, declaredLength);
			throw SubmitRequestReader.inputTooLarge(declaredLength, limit);
		}
		try {
			byte[] bytes = body.readNBytes(Math.toIntExact(limit + 1));
			if (bytes.length > limit) {
				Bodies.discard(body, -1);
				throw new RequestTooLargeException(
						"The job's input is more than " + limit + " bytes; it may be " + limit + " bytes at most");
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new InvalidJobRequestException("The request body could not be read to its end; send it again");
		}
	}

	private static String safe(String name) {
		return name.matches("[A-Za-z0-9_.:-]{1,64}") ? name : "(not shown)";
	}

	/**
	 * A valid raw submit.
	 *
	 * @param submission the job it becomes
	 * @param contentType the input's media type
	 * @param options the query parameters
	 */
	record RawSubmission(JobSubmission submission, String contentType, MultiValueMap<String, String> options) {

		/**
		 * The fingerprint of the request for idempotency: its content type, options and
		 * input.
		 */
		String fingerprint(String path) {
			Fingerprint fingerprint = Fingerprint.of("POST", path + "?" + new TreeMap<>(this.options),
					this.contentType);
			byte[] input = this.submission.input().bytes();
			fingerprint.update(input, 0, input.length);
			return fingerprint.hex();
		}

	}

}
