package io.inferq.api.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Map;

import io.inferq.api.config.ApiProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link BufferedBodies} with a budget of 1 MB and bodies of at most 600 KB.
 */
class BufferedBodiesTests {

	private static final long MAX_BODY = 600 * 1024;

	private final BufferedBodies bodies = new BufferedBodies(
			new Binder(new MapConfigurationPropertySource(Map.of("inferq.api.max-buffered-bodies", "1MB",
					"inferq.api.batches.max-json-body-size", "500KB", "inferq.api.max-input-size", "256KB")))
				.bindOrCreate(ApiProperties.PREFIX, Bindable.of(ApiProperties.class)));

	@Test
	void read_givesTheWholeBody_andItsBudgetBackWhenClosed() throws IOException {
		byte[] body = new byte[300 * 1024];
		body[body.length - 1] = 7;

		try (BufferedBodies.Body read = read(new ByteArrayInputStream(body), -1)) {
			assertThat(read.bytes()).isEqualTo(body);
			assertThat(this.bodies.free()).isLessThanOrEqualTo(1024 * 1024 - body.length);
		}
		assertThat(this.bodies.free()).isEqualTo(1024 * 1024);
	}

	@Test
	void read_refusesABodyAboveItsLimit_declaredOrRead_andHoldsNothingAfter() {
		assertThatIllegalStateException().isThrownBy(() -> read(unreadable(), MAX_BODY + 1)).withMessage("too large");
		assertThatIllegalStateException()
			.isThrownBy(() -> read(new ByteArrayInputStream(new byte[(int) MAX_BODY + 1]), -1))
			.withMessage("too large");
		assertThat(this.bodies.free()).isEqualTo(1024 * 1024);
	}

	@Test
	void read_beyondTheBudget_isAServerBusy503_andHoldsNothingAfter() throws IOException {
		try (BufferedBodies.Body first = read(new ByteArrayInputStream(new byte[500 * 1024]), -1)) {
			assertThatExceptionOfType(ServerBusyException.class)
				.isThrownBy(() -> read(new ByteArrayInputStream(new byte[580 * 1024]), -1))
				.satisfies((busy) -> assertThat(busy.getHeaders().getFirst("Retry-After")).isEqualTo("5"));
			assertThat(this.bodies.free()).isLessThanOrEqualTo(1024 * 1024 - first.bytes().length);
		}
		assertThat(this.bodies.free()).isEqualTo(1024 * 1024);
	}

	@Test
	void read_chargesABodyAsItArrives_notAsItIsDeclared() throws Exception {
		InputStream slow = new SequenceInputStream(new ByteArrayInputStream(new byte[10]), unreadable());
		Thread reader = new Thread(() -> {
			try {
				read(slow, MAX_BODY);
			}
			catch (IOException | RuntimeException ex) {
				// The stream stalls on purpose.
			}
		});
		reader.start();
		Thread.sleep(200);

		assertThat(1024 * 1024 - this.bodies.free()).as("charged for a body of which 10 bytes came")
			.isLessThanOrEqualTo(8 * 1024);
		reader.interrupt();
		reader.join(1000);
	}

	private BufferedBodies.Body read(InputStream body, long declaredLength) throws IOException {
		return this.bodies.read(body, declaredLength, MAX_BODY, () -> new IllegalStateException("too large"));
	}

	/** A stream that blocks on its first read (until interrupted or the test ends). */
	private static InputStream unreadable() {
		return new InputStream() {

			@Override
			public int read() throws IOException {
				try {
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new IOException("stalled");
			}

		};
	}

}
