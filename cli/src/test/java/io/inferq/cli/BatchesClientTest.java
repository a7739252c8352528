package io.inferq.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class BatchesClientTest {

	@Test
	void copyUnlessIdle_shouldCopyAStreamThatKeepsComing() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();

		BatchesClient.copyUnlessIdle(new ByteArrayInputStream("a\nb\n".getBytes(StandardCharsets.UTF_8)), out,
				Duration.ofSeconds(1));

		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
	}

	@Test
	void copyUnlessIdle_shouldFailAStreamThatStalls() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		long started = System.nanoTime();

		assertThatIOException()
			.isThrownBy(() -> BatchesClient.copyUnlessIdle(new StallingStream("a\n"), out, Duration.ofMillis(200)))
			.withMessage("Nothing received for 200 ms");
		assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a\n");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
	}

	/**
	 * Gives its bytes, then blocks until closed, as the HTTP client's body stream does
	 * when the server stops sending.
	 */
	private static final class StallingStream extends InputStream {

		private final InputStream first;

		private final CountDownLatch closed = new CountDownLatch(1);

		StallingStream(String first) {
			this.first = new ByteArrayInputStream(first.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : one[0];
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			int read = this.first.read(bytes, offset, length);
			if (read > 0) {
				return read;
			}
			try {
				this.closed.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			throw new IOException("closed");
		}

		@Override
		public void close() {
			this.closed.countDown();
		}

	}

}
