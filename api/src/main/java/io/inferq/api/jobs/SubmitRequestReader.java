package io.inferq.api.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.webhooks.Callbacks;
import io.inferq.api.web.BufferedBodies;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the body of {@code POST /v1/jobs} into a {@link JobSubmission}, strictly: one
 * UTF-8 JSON object with known fields only, each of the right type, within the configured
 * limits. JSON input is kept as the exact text the client sent.
 * <p>
 * Throws {@link InvalidJobRequestException} or {@link RequestTooLargeException}, whose
 * details say what to fix. Names and values from the request are echoed only when they
 * are plain ASCII, so that a problem can always be written back.
 */
@Component
public class SubmitRequestReader {

	/** The longest media type SageMaker accepts in its ContentType and Accept headers. */
	private static final int MAX_MEDIA_TYPE_LENGTH = 1024;

	/** The longest customId of a batch item, in characters. */
	public static final int MAX_CUSTOM_ID_LENGTH = 64;

	private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]+");

	private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

	private static final String FIELDS = "a job request has 'input' (any JSON value), or 'inputBase64' or "
			+ "'inputLocation' (s3://bucket/key) with 'contentType', and optionally 'accept', 'metadata', "
			+ "'timeToStart' and 'callbackUrl'";

	private static final String ITEM_FIELDS = "a batch item has 'customId' and, as a job request, 'input' (any JSON "
			+ "value), or 'inputBase64' or 'inputLocation' (s3://bucket/key) with 'contentType', and optionally "
			+ "'accept', 'metadata' and 'timeToStart'";

	private final ApiProperties properties;

	private final MetadataReader metadata;

	private final BufferedBodies bodies;

	private final Callbacks callbacks;

	SubmitRequestReader(ApiProperties properties, BufferedBodies bodies) {
		this(properties, bodies, Callbacks.publicOnly());
	}

	@Autowired
	SubmitRequestReader(ApiProperties properties, BufferedBodies bodies, Callbacks callbacks) {
		this.callbacks = callbacks;
		this.properties = properties;
		this.bodies = bodies;
		this.metadata = new MetadataReader(properties.metadata());
	}

	/**
	 * Reads a submit request.
	 * @param body the request body, read no further than the size limit
	 * @param declaredLength the {@code Content-Length}, or a negative number if unknown
	 */
	JobSubmission read(InputStream body, long declaredLength) {
		try (BufferedBodies.Body buffered = body(body, declaredLength)) {
			return read(buffered.bytes());
		}
	}

	/**
	 * Reads a submit request's body, no further than the size limit, within the memory
	 * bodies may take ({@link BufferedBodies}); close it once it was read.
	 * @param declaredLength the {@code Content-Length}, or a negative number if unknown
	 */
	BufferedBodies.Body body(InputStream body, long declaredLength) {
		long limit = this.properties.maxRequestBytes();
		try {
			return this.bodies.read(body, declaredLength, limit, () -> bodyTooLarge(limit));
		}
		catch (RequestTooLargeException ex) {
			// Read to its end, so that the client, still sending, gets the 413.
			Bodies.discard(body, declaredLength);
			throw ex;
		}
		catch (IOException ex) {
			throw new InvalidJobRequestException("The request body could not be read to its end; send it again");
		}
	}

	/** Reads a submit request from its body. */
	JobSubmission read(byte[] body) {
		String text = text(body);
		try (JsonParser parser = StrictJson.parser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new InvalidJobRequestException("The request body must be a JSON object: " + FIELDS, "");
			}
			Fields fields = fields(parser, text, false);
			if (parser.nextToken() != null) {
				throw new InvalidJobRequestException(
						"The request body has more after the JSON object; send one object");
			}
			return submission(fields);
		}
		catch (JacksonException ex) {
			throw malformed(ex);
		}
	}

	/**
	 * Reads one item of a batch: a job request with a {@code customId}, by the same rules
	 * as {@code POST /v1/jobs}. Throws an {@link org.springframework.web.ErrorResponse}
	 * (400 or 413) whose detail says what to fix.
	 * @param parser a parser over {@code text} at the item's {@code START_OBJECT}; left
	 * at its {@code END_OBJECT}
	 * @param text the whole text the parser reads
	 */
	public ItemSubmission readItem(JsonParser parser, String text) {
		try {
			if (parser.currentToken() != JsonToken.START_OBJECT) {
				throw new InvalidJobRequestException("A batch item must be a JSON object: " + ITEM_FIELDS, "");
			}
			Fields fields = fields(parser, text, true);
			if (fields.customId == null) {
				throw new InvalidJobRequestException("The item has no 'customId': " + ITEM_FIELDS, "/customId");
			}
			return new ItemSubmission(fields.customId, submission(fields));
		}
		catch (JacksonException ex) {
			throw malformed(ex);
		}
	}

	/**
	 * Reads one line of an NDJSON batch, a whole item (see
	 * {@link #readItem(JsonParser, String)}).
	 */
	public ItemSubmission readItem(String line) {
		try (JsonParser parser = StrictJson.parser(line)) {
			parser.nextToken();
			ItemSubmission item = readItem(parser, line);
			if (parser.nextToken() != null) {
				throw new InvalidJobRequestException(
						"The line has more after the item's JSON object; " + "NDJSON has one object per line");
			}
			return item;
		}
		catch (JacksonException ex) {
			throw malformed(ex);
		}
	}

	/** The largest batch item worth reading, as for a single job's request body. */
	public long maxItemBytes() {
		return this.properties.maxRequestBytes();
	}

	private static InvalidJobRequestException malformed(JacksonException ex) {
		return new InvalidJobRequestException(StrictJson.problem(ex));
	}

	private RequestTooLargeException bodyTooLarge(long limit) {
		return new RequestTooLargeException("The request body is larger than " + limit + " bytes; a job's input may be "
				+ this.properties.maxInputSize().toBytes() + " bytes at most");
	}

	private static String text(byte[] bytes) {
		try {
			return StrictJson.utf8(bytes);
		}
		catch (CharacterCodingException ex) {
			throw new InvalidJobRequestException("The request body is not valid UTF-8; JSON must be sent as UTF-8");
		}
	}

	private Fields fields(JsonParser parser, String text, boolean item) {
		Fields fields = new Fields();
		for (String name = parser.nextName(); name != null; name = parser.nextName()) {
			JsonToken token = parser.nextToken();
			switch (name) {
				case "input" -> fields.input = rawJson(parser, token, text);
				case "inputBase64" -> fields.inputBase64 = string(parser, token, name);
				case "inputLocation" -> fields.inputLocation = string(parser, token, name);
				case "contentType" -> fields.contentType = mediaType(string(parser, token, name), name, true);
				case "accept" -> fields.accept = mediaType(string(parser, token, name), name, false);
				case "metadata" -> fields.metadata = this.metadata.read(parser, token);
				case "timeToStart" -> fields.timeToStart = timeToStart(parser, token);
				case "callbackUrl" -> {
					if (item) {
						throw unknownField(name, ITEM_FIELDS);
					}
					fields.callback = this.callbacks.parse(string(parser, token, name));
				}
				case "customId" -> {
					if (!item) {
						throw unknownField(name, FIELDS);
					}
					fields.customId = customId(string(parser, token, name));
				}
				default -> throw unknownField(name, item ? ITEM_FIELDS : FIELDS);
			}
		}
		return fields;
	}

	private static InvalidJobRequestException unknownField(String name, String fields) {
		return new InvalidJobRequestException("Unknown field " + describe(name) + "; " + fields,
				SAFE_NAME.matcher(name).matches() ? "/" + name : null);
	}

	private static String customId(String value) {
		if (value == null || value.isEmpty() || value.codePointCount(0, value.length()) > MAX_CUSTOM_ID_LENGTH
				|| value.codePoints()
					.anyMatch((c) -> Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE)) {
			throw new InvalidJobRequestException("'customId' must be 1 to " + MAX_CUSTOM_ID_LENGTH
					+ " characters of text without control characters", "/customId");
		}
		return value;
	}

	private JobSubmission submission(Fields fields) {
		int inputs = ((fields.input != null) ? 1 : 0) + ((fields.inputBase64 != null) ? 1 : 0)
				+ ((fields.inputLocation != null) ? 1 : 0);
		if (inputs > 1) {
			throw new InvalidJobRequestException(
					"Send one of 'input' (JSON), 'inputBase64' (binary with "
							+ "'contentType') and 'inputLocation' (s3://bucket/key with 'contentType'), not several",
					"");
		}
		if (inputs == 0) {
			throw new InvalidJobRequestException("The job has no input; " + FIELDS, "/input");
		}
		Payload input = (fields.input != null) ? jsonInput(fields)
				: (fields.inputBase64 != null) ? binaryInput(fields) : locatedInput(fields);
		return submission(input, fields.accept, fields.metadata, fields.timeToStart).withCallback(fields.callback);
	}

	/**
	 * A submission of {@code input} within the size limit; a located input's size is
	 * checked when the object is looked at.
	 */
	JobSubmission submission(Payload input, String accept, Map<String, String> metadata, Duration timeToStart) {
		long maxInputBytes = this.properties.maxInputSize().toBytes();
		if (input.size() > maxInputBytes) {
			throw inputTooLarge(input.size(), maxInputBytes);
		}
		return new JobSubmission(input, accept, metadata,
				(timeToStart != null) ? timeToStart : this.properties.defaultTimeToStart(), null);
	}

	/**
	 * The callback URL {@code value} names.
	 * @throws org.springframework.web.ErrorResponseException 400 if it is not acceptable
	 */
	URI callback(String value) {
		return this.callbacks.parse(value);
	}

	static RequestTooLargeException inputTooLarge(long size, long maxInputBytes) {
		return new RequestTooLargeException(
				"The job's input is " + size + " bytes; it may be " + maxInputBytes + " bytes at most");
	}

	private static Payload locatedInput(Fields fields) {
		if (fields.contentType == null) {
			throw new InvalidJobRequestException(
					"'inputLocation' needs 'contentType', the media type of the object, for example image/jpeg",
					"/contentType");
		}
		try {
			return Payload.stored(PayloadRef.clientObject(fields.inputLocation), fields.contentType);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidJobRequestException("'inputLocation' must be an s3://bucket/key URI", "/inputLocation");
		}
	}

	private static Payload jsonInput(Fields fields) {
		if (fields.contentType != null) {
			throw new InvalidJobRequestException("'contentType' goes with 'inputBase64' or 'inputLocation' only; "
					+ "JSON 'input' is always application/json", "/contentType");
		}
		return Payload.json(fields.input);
	}

	private static Payload binaryInput(Fields fields) {
		if (fields.contentType == null) {
			throw new InvalidJobRequestException(
					"'inputBase64' needs 'contentType', the media type of the decoded bytes, for example image/png",
					"/contentType");
		}
		try {
			return new Payload(Base64.getDecoder().decode(fields.inputBase64), fields.contentType);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidJobRequestException(
					"'inputBase64' is not base64: use the standard alphabet (A-Z, a-z, 0-9, '+', '/') without line breaks",
					"/inputBase64");
		}
	}

	/** The exact text of the value at the parser, which may be any JSON but null. */
	private static String rawJson(JsonParser parser, JsonToken token, String text) {
		if (token == JsonToken.VALUE_NULL) {
			throw new InvalidJobRequestException("'input' is null; send the model's input as any other JSON value, "
					+ "or binary input as 'inputBase64' with 'contentType'", "/input");
		}
		int start = Math.toIntExact(parser.currentTokenLocation().getCharOffset());
		if (token.isStructStart()) {
			parser.skipChildren();
		}
		else {
			parser.finishToken();
		}
		int end = Math.toIntExact(parser.currentLocation().getCharOffset());
		return text.substring(start, end);
	}

	private static String string(JsonParser parser, JsonToken token, String name) {
		if (token == JsonToken.VALUE_NULL) {
			return null;
		}
		if (token != JsonToken.VALUE_STRING) {
			throw new InvalidJobRequestException("'" + name + "' must be a string", "/" + name);
		}
		return parser.getString();
	}

	static String mediaType(String value, String name, boolean concrete) {
		if (value != null && !isMediaType(value, concrete)) {
			throw new InvalidJobRequestException("'" + name + "' must be a media type such as "
					+ (concrete ? "image/png" : "application/json or */*") + ", in at most " + MAX_MEDIA_TYPE_LENGTH
					+ " printable ASCII characters", "/" + name);
		}
		return value;
	}

	private static boolean isMediaType(String value, boolean concrete) {
		if (value.length() > MAX_MEDIA_TYPE_LENGTH || !PRINTABLE_ASCII.matcher(value).matches()) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(value);
			return !concrete || type.isConcrete();
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	/** A {@code timeToStart} given as text: whole seconds or an ISO-8601 duration. */
	Duration timeToStart(String value) {
		if (value.matches("[0-9]{1,18}")) {
			return withinBounds(Duration.ofSeconds(Long.parseLong(value)));
		}
		return withinBounds(isoDuration(value));
	}

	private Duration timeToStart(JsonParser parser, JsonToken token) {
		return switch (token) {
			case VALUE_NULL -> null;
			// Integers beyond a long are out of bounds either way.
			case VALUE_NUMBER_INT ->
				withinBounds(Duration.ofSeconds((parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
						? parser.getLongValue() : Long.MAX_VALUE));
			case VALUE_STRING -> withinBounds(isoDuration(parser.getString()));
			default -> throw new InvalidJobRequestException(
					"'timeToStart' must be a whole number of seconds or an ISO-8601 duration such as \"PT30M\"",
					"/timeToStart");
		};
	}

	private Duration withinBounds(Duration timeToStart) {
		Duration max = this.properties.maxTimeToStart();
		if (timeToStart.compareTo(Duration.ofSeconds(1)) < 0 || timeToStart.compareTo(max) > 0) {
			throw new InvalidJobRequestException(
					"'timeToStart' must be between 1 second and " + max.toSeconds() + " seconds (" + max + ")",
					"/timeToStart");
		}
		return timeToStart;
	}

	private static Duration isoDuration(String value) {
		try {
			return Duration.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new InvalidJobRequestException(
					"'timeToStart' must be an ISO-8601 duration such as \"PT30M\" or a whole number of seconds",
					"/timeToStart");
		}
	}

	private static String describe(String name) {
		return SAFE_NAME.matcher(name).matches() ? "'" + name + "'" : "(its name is not shown)";
	}

	/** The fields of a request as read, before they are checked together. */
	private static final class Fields {

		private String input;

		private String inputBase64;

		private String inputLocation;

		private String contentType;

		private String accept;

		private Map<String, String> metadata = Map.of();

		private Duration timeToStart;

		private String customId;

		private URI callback;

	}

	/**
	 * A valid batch item.
	 *
	 * @param customId the client's ID of the item, unique within its batch
	 * @param submission the job it becomes
	 */
	public record ItemSubmission(String customId, JobSubmission submission) {

	}

}
