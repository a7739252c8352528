package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the results of batches into one JSONL file, one line per job, in batch order,
 * streamed: memory holds one line at a time. Every line must be one JSON object, or the
 * results are refused ({@link InvalidResultsException}) before the line is written. The
 * file appears complete or not at all: it is written beside its name and moved there at
 * the end. A batch whose results break off, or end with fewer lines than it has jobs (the
 * API ends the stream early when its job store fails midway), is fetched again from its
 * start.
 */
final class ResultsFile {

	private static final int ATTEMPTS_PER_BATCH = 3;

	private final BatchesClient client;

	ResultsFile(BatchesClient client) {
		this.client = client;
	}

	/**
	 * Writes the results of {@code batches} to {@code out}, replacing it.
	 * @return the number of lines written
	 * @throws ApiUnavailableException if a batch's results stayed incomplete
	 */
	long write(List<Batch> batches, Path out) throws IOException {
		Path partial = out.resolveSibling(out.getFileName() + ".part");
		long lines = 0;
		try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			for (Batch batch : batches) {
				lines += writeBatch(batch, channel);
			}
			channel.force(false);
		}
		Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		return lines;
	}

	private long writeBatch(Batch batch, FileChannel channel) throws IOException {
		long start = channel.position();
		for (int attempt = 1;; attempt++) {
			try {
				long lines = copy(this.client, batch, Channels.newOutputStream(channel));
				if (lines >= batch.total() || attempt == ATTEMPTS_PER_BATCH) {
					return requireComplete(batch, lines);
				}
			}
			catch (ApiUnavailableException ex) {
				if (attempt == ATTEMPTS_PER_BATCH) {
					throw ex;
				}
			}
			channel.truncate(start);
			channel.position(start);
		}
	}

	/**
	 * Copies the results of {@code batch} to {@code out}, every line ended.
	 * @return the number of lines copied
	 */
	static long copy(BatchesClient client, Batch batch, OutputStream out) throws IOException {
		LineCountingStream lines = new LineCountingStream(out, batch.id());
		try {
			client.results(batch.id(), lines);
		}
		catch (UncheckedIOException ex) {
			if (ex.getCause() instanceof InvalidResultsException invalid) {
				throw invalid;
			}
			throw ex;
		}
		lines.endLine();
		return lines.count();
	}

	/**
	 * Returns {@code lines} if they are as many as the batch's jobs.
	 * @throws ApiUnavailableException if they are fewer
	 */
	static long requireComplete(Batch batch, long lines) {
		if (lines < batch.total()) {
			throw new ApiUnavailableException(
					"The results of batch " + batch.id() + " ended after " + lines + " of " + batch.total() + " lines",
					null);
		}
		return lines;
	}

	/**
	 * Checks and counts the lines passing through, each written once it is whole and
	 * found to be one JSON object, without closing the stream beneath (a channel's stream
	 * would close the channel).
	 */
	private static final class LineCountingStream extends OutputStream {

		private static final JsonMapper mapper = JsonMapper.builder().build();

		private final OutputStream out;

		private final String batchId;

		private final ByteArrayOutputStream line = new ByteArrayOutputStream();

		private long count;

		LineCountingStream(OutputStream out, String batchId) {
			this.out = out;
			this.batchId = batchId;
		}

		@Override
		public void write(int b) throws IOException {
			if (b == '\n') {
				endLine();
			}
			else {
				this.line.write(b);
			}
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			int from = offset;
			for (int i = offset; i < offset + length; i++) {
				if (bytes[i] == '\n') {
					this.line.write(bytes, from, i - from);
					endLine();
					from = i + 1;
				}
			}
			this.line.write(bytes, from, offset + length - from);
		}

		/** Checks and writes the line so far, if any, ended. */
		void endLine() throws IOException {
			if (this.line.size() == 0) {
				return;
			}
			byte[] whole = this.line.toByteArray();
			this.line.reset();
			long number = this.count + 1;
			if (!isJsonObject(whole)) {
				throw new InvalidResultsException("The results of batch " + this.batchId
						+ " are not valid NDJSON: line " + number + " is not one JSON object");
			}
			this.out.write(whole);
			this.out.write('\n');
			this.count = number;
		}

		private static boolean isJsonObject(byte[] line) {
			try (JsonParser parser = mapper.createParser(line)) {
				if (parser.nextToken() != JsonToken.START_OBJECT) {
					return false;
				}
				parser.skipChildren();
				return parser.nextToken() == null;
			}
			catch (JacksonException ex) {
				return false;
			}
		}

		long count() {
			return this.count;
		}

		@Override
		public void close() {
		}

	}

	/** Results that are not one JSON object per line, as the API promises. */
	static final class InvalidResultsException extends IOException {

		InvalidResultsException(String message) {
			super(message);
		}

	}

}
