package io.inferq.api.batches;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.Map;

import io.inferq.api.idempotency.Fingerprint;
import io.inferq.api.jobs.StrictJson;
import io.inferq.api.jobs.SubmitRequestReader;
import io.inferq.api.jobs.SubmitRequestReader.ItemSubmission;

import org.springframework.web.ErrorResponseException;

/**
 * The items of an {@code application/x-ndjson} batch: one JSON object per line, read a
 * line at a time into a buffer no larger than one item. Blank lines are skipped.
 */
final class NdjsonBatchItems implements BatchItemSource {

	private static final int READ_BUFFER_BYTES = 64 * 1024;

	private final InputStream body;

	private final SubmitRequestReader reader;

	private final Fingerprint fingerprint;

	private final long maxLineBytes;

	private final byte[] buffer = new byte[READ_BUFFER_BYTES];

	private int position;

	private int limit;

	private byte[] line = new byte[1024];

	private long lineNumber;

	private boolean ended;

	NdjsonBatchItems(InputStream body, SubmitRequestReader reader, Fingerprint fingerprint) {
		this.body = body;
		this.reader = reader;
		this.fingerprint = fingerprint;
		this.maxLineBytes = reader.maxItemBytes();
	}

	@Override
	public Item next() throws IOException {
		while (true) {
			int length = readLine();
			if (length < 0) {
				return null;
			}
			if (isBlank(length)) {
				continue;
			}
			String text;
			try {
				text = StrictJson.utf8(Arrays.copyOf(this.line, length));
			}
			catch (CharacterCodingException ex) {
				throw InvalidBatchException.item("the line is not valid UTF-8; NDJSON must be sent as UTF-8",
						this.lineNumber, null);
			}
			try {
				ItemSubmission item = this.reader.readItem(text);
				return new Item(this.lineNumber, item.customId(), item.submission());
			}
			catch (ErrorResponseException ex) {
				throw InvalidBatchException.item(ex, this.lineNumber);
			}
		}
	}

	@Override
	public Map<String, String> metadata() {
		return Map.of();
	}

	@Override
	public void drain() throws IOException {
		while (fill()) {
			this.position = this.limit;
		}
	}

	@Override
	public String fingerprint() {
		return this.fingerprint.hex();
	}

	/**
	 * Reads the next line into {@link #line}, without its line break.
	 * @return its length, or -1 at the end of the body
	 */
	private int readLine() throws IOException {
		if (this.ended) {
			return -1;
		}
		this.lineNumber++;
		int length = 0;
		while (true) {
			if (this.position == this.limit && !fill()) {
				this.ended = true;
				return (length > 0) ? length : -1;
			}
			int end = this.position;
			while (end < this.limit && this.buffer[end] != '\n') {
				end++;
			}
			int chunk = end - this.position;
			if (length + chunk > this.maxLineBytes) {
				throw InvalidBatchException.itemTooLarge(this.lineNumber, this.maxLineBytes);
			}
			if (length + chunk > this.line.length) {
				this.line = Arrays.copyOf(this.line,
						(int) Math.min(this.maxLineBytes, Math.max((long) this.line.length * 2, length + chunk)));
			}
			System.arraycopy(this.buffer, this.position, this.line, length, chunk);
			length += chunk;
			if (end < this.limit) {
				this.position = end + 1;
				return (length > 0 && this.line[length - 1] == '\r') ? length - 1 : length;
			}
			this.position = this.limit;
		}
	}

	private boolean fill() throws IOException {
		int read = this.body.read(this.buffer, 0, this.buffer.length);
		if (read <= 0) {
			this.position = 0;
			this.limit = 0;
			return false;
		}
		this.fingerprint.update(this.buffer, 0, read);
		this.position = 0;
		this.limit = read;
		return true;
	}

	private boolean isBlank(int length) {
		for (int i = 0; i < length; i++) {
			byte b = this.line[i];
			if (b != ' ' && b != '\t' && b != '\r') {
				return false;
			}
		}
		return true;
	}

}
