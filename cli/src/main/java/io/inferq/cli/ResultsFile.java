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
 * streamed: memory holds one line at a time. Only batches that have ended
 * ({@link Batch#hasEnded()}) are exported, and every line must be one JSON object whose
 * {@code status} is a job's end status, or the results are refused
 * ({@link InvalidResultsException}, {@link BatchNotEndedException}) before the line is
 * written. The file appears complete or not at all: it is written beside its name and
 * moved there at the end. A batch whose results break off, or end with fewer lines than
 * it has jobs (the API ends the stream early when its job store fails midway), is fetched
 * again from its start.
 */
final class ResultsFile {

	private static final int ATTEMPTS_PER_BATCH = 3;

	private final BatchesClient client;

	ResultsFile(BatchesClient client) {
		this.client = client;
	}

	/**
	 * Writes the results of {@code batches} to {@code out}, replacing it; on failure
	 * {@code out} is left as it was.
	 * @param batches the batches' end states
	 * @return the number of lines written
	 * @throws BatchNotEndedException if a batch has not ended, or its results hold a job
	 * that has not
	 * @throws ApiUnavailableException if a batch's results stayed incomplete
	 */
	long write(List<Batch> batches, Path out) throws IOException {
		requireEnded(batches);
		Path partial = out.resolveSibling(out.getFileName() + ".part");
		long lines = 0;
		boolean written = false;
		try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			for (Batch batch : batches) {
				lines += writeBatch(batch, channel);
			}
			channel.force(false);
			written = true;
		}
		finally {
			if (!written) {
				Files.deleteIfExists(partial);
			}
		}
		Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		return lines;
	}

	/**
	 * Checks that every batch has ended, so that its results are final.
	 * @throws BatchNotEndedException naming the first that has not
	 */
	static void requireEnded(List<Batch> batches) {
		for (Batch batch : batches) {
			if (!batch.hasEnded()) {
				throw BatchNotEndedException.of(batch);
			}
		}
	}

	private long writeBatch(Batch batch, FileChannel channel) throws IOException {
		long start = channel.position();
		for (int attempt = 1;; attempt++) {
			try {
				long lines = copy(this.client, batch, Channels.newOutputStream(channel));
				if (lines >= batch.resultLines() || attempt == ATTEMPTS_PER_BATCH) {
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
	 * Copies the results of {@code batch} to {@code out}, every line ended and checked.
	 * @return the number of lines copied
	 * @throws BatchNotEndedException at a line whose job has not ended
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
	 * Returns {@code lines} if they are as many as the batch's results should be.
	 * @throws ApiUnavailableException if they are fewer
	 */
	static long requireComplete(Batch batch, long lines) {
		if (lines < batch.resultLines()) {
			throw new ApiUnavailableException("The results of batch " + batch.id() + " ended after " + lines + " of "
					+ batch.resultLines() + " lines", null);
		}
		return lines;
	}

	/**
	 * Checks and counts the lines passing through, each written once it is whole and
	 * found to be one JSON object of a job that has ended, without closing the stream
	 * beneath (a channel's stream would close the channel).
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
			String status = status(whole);
			if (status == null) {
				throw new InvalidResultsException("The results of batch " + this.batchId
						+ " are not valid NDJSON: line " + number + " is not one JSON object");
			}
			if (status.isEmpty()) {
				throw new InvalidResultsException(
						"The results of batch " + this.batchId + " are not valid: line " + number + " has no status");
			}
			if (!Batch.ENDED_JOB_STATUSES.contains(status)) {
				throw new BatchNotEndedException("Line " + number + " of the results of batch " + this.batchId
						+ " is a job that has not ended (status '" + status + "'): the results are not final; "
						+ "nothing was written.");
			}
			this.out.write(whole);
			this.out.write('\n');
			this.count = number;
		}

		/**
		 * The line's top-level {@code status}, {@code ""} if it has none, or {@code null}
		 * if the line is not one JSON object.
		 */
		private static String status(byte[] line) {
			try (JsonParser parser = mapper.createParser(line)) {
				if (parser.nextToken() != JsonToken.START_OBJECT) {
					return null;
				}
				String status = "";
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					boolean isStatus = "status".equals(parser.currentName());
					JsonToken value = parser.nextToken();
					if (isStatus && value == JsonToken.VALUE_STRING) {
						status = parser.getString();
					}
					else {
						parser.skipChildren();
					}
				}
				return (parser.nextToken() == null) ? status : null;
			}
			catch (JacksonException ex) {
				return null;
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
