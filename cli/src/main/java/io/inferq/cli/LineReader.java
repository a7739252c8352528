package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines ending in {@code \n} or {@code \r\n} one at a time, checking each on
 * its own so that an encoding error names its line.
 */
final class LineReader implements Closeable {

	/**
	 * Far above any input the API takes; stops a file without newlines filling memory.
	 */
	static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

	private final InputStream in;

	private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private final byte[] buffer = new byte[64 * 1024];

	private int position;

	private int limit;

	private int lineNumber;

	LineReader(InputStream in) {
		this.in = in;
	}

	/** The number of the line last read, 1-based. */
	int lineNumber() {
		return this.lineNumber;
	}

	/**
	 * The next line without its line ending, or {@code null} at the end.
	 * @throws InvalidInputException if the line is not UTF-8 or too long
	 */
	String readLine() throws IOException {
		this.line.reset();
		boolean any = false;
		while (true) {
			if (this.position == this.limit) {
				this.limit = this.in.read(this.buffer);
				this.position = 0;
				if (this.limit <= 0) {
					this.limit = 0;
					if (!any) {
						return null;
					}
					break;
				}
			}
			any = true;
			int start = this.position;
			while (this.position < this.limit && this.buffer[this.position] != '\n') {
				this.position++;
			}
			this.line.write(this.buffer, start, this.position - start);
			if (this.line.size() > MAX_LINE_BYTES) {
				throw new InvalidInputException(this.lineNumber + 1, "longer than " + MAX_LINE_BYTES + " bytes");
			}
			if (this.position < this.limit) {
				this.position++;
				break;
			}
		}
		this.lineNumber++;
		return decode(this.line.toByteArray());
	}

	private String decode(byte[] bytes) {
		int length = bytes.length;
		if (length > 0 && bytes[length - 1] == '\r') {
			length--;
		}
		try {
			return this.decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
		}
		catch (CharacterCodingException ex) {
			throw new InvalidInputException(this.lineNumber, "not UTF-8");
		}
	}

	@Override
	public void close() throws IOException {
		this.in.close();
	}

}
