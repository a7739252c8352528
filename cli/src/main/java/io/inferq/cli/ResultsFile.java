package io.inferq.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes the results of batches into one JSONL file, one line per job, in batch order,
 * streamed: memory holds none of them. The file appears complete or not at all: it is
 * written beside its name and moved there at the end. A batch whose results break off, or
 * end with fewer lines than it has jobs (the API ends the stream early when its job store
 * fails midway), is fetched again from its start.
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
		LineCountingStream lines = new LineCountingStream(out);
		client.results(batch.id(), lines);
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
	 * Counts the lines passing through, without closing the stream beneath (a channel's
	 * stream would close the channel).
	 */
	private static final class LineCountingStream extends OutputStream {

		private final OutputStream out;

		private long count;

		private int last = '\n';

		LineCountingStream(OutputStream out) {
			this.out = out;
		}

		@Override
		public void write(int b) throws IOException {
			this.out.write(b);
			count(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			this.out.write(bytes, offset, length);
			for (int i = offset; i < offset + length; i++) {
				count(bytes[i]);
			}
		}

		private void count(int b) {
			if (b == '\n') {
				this.count++;
			}
			this.last = b;
		}

		/** Ends a last line that has no newline. */
		void endLine() throws IOException {
			if (this.last != '\n') {
				write('\n');
			}
		}

		long count() {
			return this.count;
		}

		@Override
		public void close() {
		}

	}

}
