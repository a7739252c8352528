package io.inferq.api.batches;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Map;

import io.inferq.api.idempotency.Fingerprint;
import io.inferq.api.jobs.MetadataReader;
import io.inferq.api.jobs.StrictJson;
import io.inferq.api.jobs.SubmitRequestReader;
import io.inferq.api.jobs.SubmitRequestReader.ItemSubmission;
import io.inferq.api.web.BufferedBodies;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import org.springframework.web.ErrorResponseException;

/**
 * The items of an {@code application/json} batch, {@code {"items": [...], "metadata":
 * {...}}}: the body is read whole (it is bounded by a limit; larger batches are sent as
 * NDJSON) and checked as a whole first, then its items are read one at a time.
 */
final class JsonBatchItems implements BatchItemSource {

	private static final String SHAPE = "a JSON batch is {\"items\": [item, ...], \"metadata\": {...}} "
			+ "with 'metadata' optional";

	private final String text;

	private final SubmitRequestReader reader;

	private final String fingerprint;

	private final Map<String, String> metadata;

	private final BufferedBodies.Body buffered;

	private JsonParser items;

	private JsonBatchItems(String text, SubmitRequestReader reader, String fingerprint, Map<String, String> metadata,
			BufferedBodies.Body buffered) {
		this.text = text;
		this.buffered = buffered;
		this.reader = reader;
		this.fingerprint = fingerprint;
		this.metadata = metadata;
	}

	/**
	 * Reads the whole body and its metadata.
	 * @param maxBytes the largest body read
	 * @throws InvalidBatchException if the body is too large or not a batch object
	 * @throws io.inferq.api.web.ServerBusyException if the memory bodies may take is
	 * taken
	 */
	static JsonBatchItems read(InputStream body, long declaredLength, long maxBytes, BufferedBodies bodies,
			SubmitRequestReader reader, MetadataReader metadataReader, Fingerprint fingerprint) throws IOException {
		BufferedBodies.Body buffered = bodies.read(body, declaredLength, maxBytes, () -> tooLarge(maxBytes));
		try {
			byte[] bytes = buffered.bytes();
			fingerprint.update(bytes, 0, bytes.length);
			String text;
			try {
				text = StrictJson.utf8(bytes);
			}
			catch (CharacterCodingException ex) {
				throw InvalidBatchException.of("The request body is not valid UTF-8; JSON must be sent as UTF-8");
			}
			return new JsonBatchItems(text, reader, fingerprint.hex(), metadata(text, metadataReader), buffered);
		}
		catch (RuntimeException ex) {
			buffered.close();
			throw ex;
		}
	}

	private static Map<String, String> metadata(String text, MetadataReader metadataReader) {
		Map<String, String> metadata = Map.of();
		boolean items = false;
		try (JsonParser parser = StrictJson.parser(text)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw InvalidBatchException.of("The request body must be a JSON object: " + SHAPE);
			}
			for (String name = parser.nextName(); name != null; name = parser.nextName()) {
				JsonToken token = parser.nextToken();
				if (name.equals("items")) {
					if (token != JsonToken.START_ARRAY) {
						throw InvalidBatchException.of("'items' must be an array of batch items: " + SHAPE);
					}
					items = true;
					parser.skipChildren();
				}
				else if (name.equals("metadata")) {
					try {
						metadata = metadataReader.read(parser, token);
					}
					catch (ErrorResponseException ex) {
						throw InvalidBatchException.of("The batch's " + ex.getBody().getDetail());
					}
				}
				else {
					throw InvalidBatchException.of("Unknown field in the batch: " + SHAPE);
				}
			}
			if (parser.nextToken() != null) {
				throw InvalidBatchException.of("The request body has more after the JSON object; send one object");
			}
		}
		catch (JacksonException ex) {
			throw InvalidBatchException.of(StrictJson.problem(ex));
		}
		if (!items) {
			throw InvalidBatchException.of("The batch has no 'items': " + SHAPE);
		}
		return metadata;
	}

	@Override
	public Item next() {
		try {
			if (this.items == null) {
				this.items = StrictJson.parser(this.text);
				this.items.nextToken();
				while (!"items".equals(this.items.nextName())) {
					this.items.nextToken();
					this.items.skipChildren();
				}
				this.items.nextToken();
			}
			JsonToken token = this.items.nextToken();
			if (token == JsonToken.END_ARRAY) {
				return null;
			}
			long line = this.items.currentTokenLocation().getLineNr();
			try {
				ItemSubmission item = this.reader.readItem(this.items, this.text);
				return new Item(line, item.customId(), item.submission());
			}
			catch (ErrorResponseException ex) {
				if (token.isStructStart()) {
					this.items.skipChildren();
				}
				throw InvalidBatchException.item(ex, line);
			}
		}
		catch (JacksonException ex) {
			throw InvalidBatchException.of(StrictJson.problem(ex));
		}
	}

	@Override
	public Map<String, String> metadata() {
		return this.metadata;
	}

	@Override
	public void drain() {
	}

	@Override
	public void close() {
		this.buffered.close();
	}

	@Override
	public String fingerprint() {
		return this.fingerprint;
	}

	private static InvalidBatchException tooLarge(long maxBytes) {
		return InvalidBatchException.tooLarge("A JSON batch body may be " + maxBytes
				+ " bytes at most; send larger batches as application/x-ndjson, one item per line");
	}

}
