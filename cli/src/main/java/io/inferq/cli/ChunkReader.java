package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * Reads a JSONL file as chunks of at most {@code chunkSize} items, one chunk at a time:
 * memory holds the current chunk only. Blank lines are skipped but counted, so that every
 * item keeps its line number in the file.
 */
final class ChunkReader implements Closeable {

	private final LineReader reader;

	private final int chunkSize;

	private int nextIndex;

	private Chunk next;

	private boolean exhausted;

	private ChunkReader(LineReader reader, int chunkSize) {
		if (chunkSize < 1) {
			throw new IllegalArgumentException("The chunk size must be at least 1, not " + chunkSize);
		}
		this.reader = reader;
		this.chunkSize = chunkSize;
	}

	/** A reader of the UTF-8 file at {@code path}. */
	static ChunkReader open(Path path, int chunkSize) throws IOException {
		return of(Files.newInputStream(path), chunkSize);
	}

	/** A reader of UTF-8 lines from {@code in}, which it closes. */
	static ChunkReader of(InputStream in, int chunkSize) {
		return new ChunkReader(new LineReader(in), chunkSize);
	}

	/**
	 * Reads the whole file at {@code path} without holding it, as a check before anything
	 * is sent.
	 * @return the number of items (non-blank lines)
	 * @throws InvalidInputException if a line is not JSON or not UTF-8
	 */
	static long countItems(Path path, int chunkSize) throws IOException {
		long items = 0;
		try (ChunkReader chunks = open(path, chunkSize)) {
			while (chunks.hasNext()) {
				items += chunks.next().size();
			}
		}
		return items;
	}

	/**
	 * Whether another chunk follows.
	 * @throws InvalidInputException if one of its lines is not JSON or not UTF-8
	 */
	boolean hasNext() throws IOException {
		if (this.next == null && !this.exhausted) {
			this.next = readChunk();
		}
		return this.next != null;
	}

	/** The next chunk. */
	Chunk next() throws IOException {
		if (!hasNext()) {
			throw new NoSuchElementException("No chunk after line " + this.reader.lineNumber());
		}
		Chunk chunk = this.next;
		this.next = null;
		return chunk;
	}

	private Chunk readChunk() throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		int[] fileLines = new int[Math.min(this.chunkSize, 1024)];
		int items = 0;
		while (items < this.chunkSize) {
			String line = this.reader.readLine();
			if (line == null) {
				this.exhausted = true;
				break;
			}
			if (line.isBlank()) {
				continue;
			}
			if (items == fileLines.length) {
				fileLines = Arrays.copyOf(fileLines, Math.min(this.chunkSize, fileLines.length * 2));
			}
			int lineNumber = this.reader.lineNumber();
			fileLines[items++] = lineNumber;
			body.write(Items.item(lineNumber, line));
			body.write('\n');
		}
		if (items == 0) {
			return null;
		}
		return new Chunk(this.nextIndex++, body.toByteArray(), Arrays.copyOf(fileLines, items));
	}

	@Override
	public void close() throws IOException {
		this.reader.close();
	}

}
