package io.inferq.api.jobs;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.web.BufferedBodies;
import io.inferq.job.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SubmitRequestReaderTests {

	private final ApiProperties properties = properties(Map.of("inferq.api.max-input-size", "64B"));

	private final SubmitRequestReader reader = new SubmitRequestReader(this.properties,
			new BufferedBodies(this.properties));

	@ParameterizedTest
	@ValueSource(strings = { "{\"a\": [1, {\"b\": null}]}", "[]", "{}", "[1,2 , 3]", "\"text\"",
			"\"esc \\\" \\\\ \\u00e9 \\ud83d\\ude00\"", "12", "-0.5e-3", "1.10", "12345678901234567890123", "true",
			"false", "\"\\ud800 unpaired, but valid JSON\"", "\"\\u0000\"" })
	void read_keepsTheExactTextOfJsonInput(String input) {
		for (String body : new String[] { "{\"input\":" + input + "}", "{ \"input\" :  " + input + "  }",
				"{\"input\": " + input + ", \"accept\": \"application/json\"}",
				"{\"accept\": \"*/*\",\n\"input\":\n" + input + "\n}" }) {
			assertThat(read(body).input()).as(body).isEqualTo(Payload.json(input));
		}
	}

	@Test
	void read_acceptsUnicodeInMetadataValues() {
		JobSubmission submission = read(
				"{\"input\": 1, \"metadata\": {\"emoji\": \"\uD83D\uDE00\", \"escaped\": \"\\ud83d\\ude00\", \"e\": \"é\"}}");

		assertThat(submission.metadata()).containsEntry("emoji", "\uD83D\uDE00")
			.containsEntry("escaped", "\uD83D\uDE00")
			.containsEntry("e", "é");
	}

	@Test
	void read_treatsNullOptionalFieldsAsAbsent() {
		JobSubmission submission = read(
				"{\"input\": 1, \"accept\": null, \"metadata\": null, \"timeToStart\": null, \"inputBase64\": null}");

		assertThat(submission.accept()).isNull();
		assertThat(submission.metadata()).isEmpty();
		assertThat(submission.timeToStart()).isEqualTo(Duration.ofHours(6));
	}

	@Test
	void read_acceptsInputOfExactlyTheMaximumSize() {
		String input = "\"" + "x".repeat(62) + "\"";

		assertThat(read("{\"input\": " + input + "}").input().size()).isEqualTo(64);
		assertThatExceptionOfType(RequestTooLargeException.class)
			.isThrownBy(() -> read("{\"input\": \"" + "x".repeat(63) + "\"}"));
	}

	@Test
	void read_refusesABodyDeclaredFarTooLargeWithoutReadingIt() {
		InputStream unreadable = new InputStream() {

			@Override
			public int read() {
				throw new AssertionError("read");
			}

		};

		assertThatExceptionOfType(RequestTooLargeException.class)
			.isThrownBy(() -> this.reader.read(unreadable, Bodies.MAX_DISCARDED + 1));
	}

	/** Tomcat drops the connection after a 413: a client still sending would miss it. */
	@Test
	void read_refusesABodyDeclaredTooLargeOnceItIsDrainedWithoutKeepingIt() {
		long declared = this.properties.maxRequestBytes() + 1;
		long[] read = new long[1];
		InputStream body = new InputStream() {

			@Override
			public int read() {
				return (read[0] < declared) ? (int) (read[0]++ % 128) : -1;
			}

		};

		assertThatExceptionOfType(RequestTooLargeException.class).isThrownBy(() -> this.reader.read(body, declared));
		assertThat(read[0]).isEqualTo(declared);
	}

	@Test
	void read_stopsReadingABodyOfUnknownLengthAtTheLimit() {
		byte[] body = ("{\"input\": \"" + "x".repeat(Math.toIntExact(this.properties.maxRequestBytes())) + "\"}")
			.getBytes(StandardCharsets.UTF_8);

		assertThatExceptionOfType(RequestTooLargeException.class)
			.isThrownBy(() -> this.reader.read(new ByteArrayInputStream(body), -1));
	}

	private JobSubmission read(String body) {
		return this.reader.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), -1);
	}

	static ApiProperties properties(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(ApiProperties.PREFIX,
				Bindable.of(ApiProperties.class));
	}

}
