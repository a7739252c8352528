package io.inferq.api.idempotency;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class FingerprintTests {

	private static final byte[] BODY = "{\"input\": 1}".getBytes(StandardCharsets.UTF_8);

	private static final String PLAIN = Fingerprint.of("POST", "/v1/jobs", "application/json", BODY);

	@ParameterizedTest
	@ValueSource(strings = { "application/json; charset=utf-8", "application/json;charset=UTF-8", "application/JSON",
			" application/json ", "application/json; charset=\"utf-8\"" })
	void aMediaTypeThatMeansTheSame_givesTheSameFingerprint(String contentType) {
		assertThat(Fingerprint.of("POST", "/v1/jobs", contentType, BODY)).isEqualTo(PLAIN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/x-ndjson", "text/json", "application/problem+json" })
	void anotherMediaType_givesAnotherFingerprint(String contentType) {
		assertThat(Fingerprint.of("POST", "/v1/jobs", contentType, BODY)).isNotEqualTo(PLAIN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"input\": 2}", "{\"input\":1}", "{\"input\": 1} " })
	void anotherBody_givesAnotherFingerprint(String body) {
		assertThat(Fingerprint.of("POST", "/v1/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8)))
			.isNotEqualTo(PLAIN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/v1/batches", "/v1/jobs/" })
	void anotherPath_givesAnotherFingerprint(String path) {
		assertThat(Fingerprint.of("POST", path, "application/json", BODY)).isNotEqualTo(PLAIN);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json; x=\"", "not a media type" })
	void aContentTypeThatCannotBeParsed_stillFingerprints(String contentType) {
		assertThat(Fingerprint.of("POST", "/v1/jobs", contentType, BODY)).isNotEqualTo(PLAIN).hasSize(64);
	}

}
