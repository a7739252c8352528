package io.inferq.api.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.inferq.api.config.ApiProperties;

import org.springframework.stereotype.Component;

/**
 * Reads request bodies that are parsed whole ({@code POST /v1/jobs}, JSON batches) into
 * memory, within a budget shared by all requests
 * ({@code inferq.api.max-buffered-bodies}), so that the heap they take is bounded however
 * many clients send at once: each body within its own limit, and all of them together
 * within the budget. A body is charged as its bytes arrive, not by what it declares, so
 * that slow senders hold only what they sent. A request that would go beyond the budget
 * is answered 503 with {@code Retry-After} ({@link ServerBusyException}).
 * <p>
 * Tomcat bounds a body's size as it reads it only for forms; the API's bodies are JSON,
 * whose limits it sets itself, so this is where their memory is bounded as well.
 */
@Component
public class BufferedBodies {

	/** How much is read (and charged) at first; each further read takes twice as much. */
	private static final int FIRST_CHUNK_BYTES = 8 * 1024;

	/** The most read (and charged) at a time. */
	private static final int MAX_CHUNK_BYTES = 256 * 1024;

	private final long budget;

	private final AtomicLong free;

	private final ApiProperties properties;

	public BufferedBodies(ApiProperties properties) {
		this.properties = properties;
		this.budget = properties.maxBufferedBodies().toBytes();
		this.free = new AtomicLong(this.budget);
	}

	/**
	 * Reads {@code body} to its end, if it holds at most {@code maxBytes}.
	 * @param declaredLength the {@code Content-Length}, or a negative number if unknown
	 * @param tooLarge the exception for a body above {@code maxBytes}, thrown before
	 * reading if the declared length is already above it
	 * @return the body, whose budget is given back when it is closed
	 * @throws ServerBusyException if the budget cannot hold the body now
	 * @throws IOException if the body cannot be read to its end
	 */
	public Body read(InputStream body, long declaredLength, long maxBytes,
			Supplier<? extends RuntimeException> tooLarge) throws IOException {
		if (declaredLength > maxBytes) {
			throw tooLarge.get();
		}
		Body read = new Body();
		try {
			List<byte[]> chunks = new ArrayList<>();
			long total = 0;
			long next = (declaredLength >= 0) ? Math.min(declaredLength + 1, FIRST_CHUNK_BYTES) : FIRST_CHUNK_BYTES;
			while (total <= maxBytes) {
				int size = (int) Math.min(next, maxBytes + 1 - total);
				next = Math.min(next * 2, MAX_CHUNK_BYTES);
				read.charge(size);
				byte[] chunk = new byte[size];
				int length = body.readNBytes(chunk, 0, size);
				total += length;
				chunks.add((length == size) ? chunk : Arrays.copyOf(chunk, length));
				if (length < size) {
					break;
				}
			}
			if (total > maxBytes) {
				throw tooLarge.get();
			}
			read.bytes = concat(chunks, (int) total);
			return read;
		}
		catch (IOException | RuntimeException ex) {
			read.close();
			throw ex;
		}
	}

	/** How many bytes of the budget are free now. */
	long free() {
		return this.free.get();
	}

	private static byte[] concat(List<byte[]> chunks, int total) {
		if (chunks.size() == 1 && chunks.get(0).length == total) {
			return chunks.get(0);
		}
		byte[] bytes = new byte[total];
		int offset = 0;
		for (byte[] chunk : chunks) {
			System.arraycopy(chunk, 0, bytes, offset, chunk.length);
			offset += chunk.length;
		}
		return bytes;
	}

	/**
	 * A body read whole, holding its share of the budget until closed.
	 */
	public final class Body implements AutoCloseable {

		private long charged;

		private byte[] bytes;

		private Body() {
		}

		/** The body's bytes. */
		public byte[] bytes() {
			return this.bytes;
		}

		private void charge(long bytes) {
			long left = BufferedBodies.this.free.addAndGet(-bytes);
			if (left < 0) {
				BufferedBodies.this.free.addAndGet(bytes);
				throw new ServerBusyException(
						"The server is reading as many request bodies as its memory allows; try again after Retry-After",
						BufferedBodies.this.properties.unavailableRetryAfter());
			}
			this.charged += bytes;
		}

		/**
		 * Gives the body's share of the budget back; the bytes must not be used after.
		 */
		@Override
		public void close() {
			long charged = this.charged;
			this.charged = 0;
			BufferedBodies.this.free.addAndGet(charged);
		}

	}

}
