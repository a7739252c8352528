package io.inferq.api.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What to do with a body that is refused before it is read.
 */
final class Bodies {

	/**
	 * The most of a refused body that is read and discarded: 64 MB, as Tomcat's
	 * {@code server.tomcat.max-swallow-size}. Tomcat closes the connection after a 413,
	 * and what it swallows after the answer did not reach a client still sending a job's
	 * body ({@code JobApiIntegrationTests}: a broken pipe, the chunked answer lost), so a
	 * job's body is read to its end before the answer (costing bandwidth, not memory).
	 */
	static final long MAX_DISCARDED = 64 * 1024 * 1024;

	private Bodies() {
	}

	/**
	 * Reads and drops the rest of a refused body of {@code declaredLength} bytes (-1 if
	 * unknown), up to {@link #MAX_DISCARDED}.
	 */
	static void discard(InputStream body, long declaredLength) {
		if (declaredLength > MAX_DISCARDED) {
			return;
		}
		try {
			new BoundedInputStream(body).transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException ex) {
			// The client went away; there is no one to answer.
		}
	}

	/** The first {@link #MAX_DISCARDED} bytes of a stream. */
	private static final class BoundedInputStream extends InputStream {

		private final InputStream in;

		private long left = MAX_DISCARDED;

		BoundedInputStream(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			if (this.left <= 0) {
				return -1;
			}
			this.left--;
			return this.in.read();
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			if (this.left <= 0) {
				return -1;
			}
			int read = this.in.read(bytes, offset, (int) Math.min(length, this.left));
			if (read > 0) {
				this.left -= read;
			}
			return read;
		}

	}

}
