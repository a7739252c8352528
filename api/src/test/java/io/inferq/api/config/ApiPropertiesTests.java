package io.inferq.api.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ApiPropertiesTests {

	@Test
	void defaults() {
		ApiProperties properties = bind(Map.of());

		assertThat(properties.maxInputSize()).isEqualTo(DataSize.ofMegabytes(6));
		assertThat(properties.defaultTimeToStart()).isEqualTo(Duration.ofHours(6));
		assertThat(properties.maxTimeToStart()).isEqualTo(Duration.ofHours(24));
		assertThat(properties.metadata()).isEqualTo(new ApiProperties.Metadata(16, 64, 256));
	}

	@Test
	void maxRequestBytes_leavesRoomForBase64InputAndEscapedMetadata() {
		ApiProperties properties = bind(Map.of("inferq.api.max-input-size", "3B", "inferq.api.metadata.max-entries",
				"1", "inferq.api.metadata.max-key-length", "1", "inferq.api.metadata.max-value-length", "1"));

		assertThat(properties.maxRequestBytes()).isEqualTo(4 + 2 * 12 + 16 * 1024);
	}

	@Test
	void maxInputSize_mustBePositiveAndFitTheBufferedBytes() {
		assertInvalid(Map.of("inferq.api.max-input-size", "300MB"), "inferq.api.max-buffered-bytes must be at least");
		assertInvalid(Map.of("inferq.api.max-input-size", "0B"), "inferq.api.max-input-size must be positive");
	}

	@Test
	void defaultTimeToStart_mustNotExceedTheMaximum() {
		assertInvalid(Map.of("inferq.api.default-time-to-start", "2d"),
				"inferq.api.default-time-to-start must be positive and at most inferq.api.max-time-to-start (PT24H)");
	}

	@Test
	void durations_mustBePositive() {
		assertInvalid(Map.of("inferq.api.expected-latency", "0s"),
				"inferq.api.expected-latency must be positive, for example 2s");
		assertInvalid(Map.of("inferq.api.aws-call-timeout", "-1s"), "inferq.api.aws-call-timeout must be positive");
	}

	@Test
	void maxBufferedBodies_mustHoldTheLargestBodyReadWhole() {
		assertThat(bind(Map.of()).maxBufferedBodies()).isEqualTo(DataSize.ofMegabytes(64));
		assertInvalid(Map.of("inferq.api.max-buffered-bodies", "16MB"),
				"inferq.api.max-buffered-bodies must hold at least the largest body read whole (33554432 bytes");
		assertInvalid(Map.of("inferq.api.max-buffered-bodies", "300KB", "inferq.api.batches.max-json-body-size", "1KB",
				"inferq.api.max-input-size", "256KB"), "(427352 bytes");
	}

	@Test
	void metadataLimits_mustBePositive() {
		assertInvalid(Map.of("inferq.api.metadata.max-key-length", "0"),
				"inferq.api.metadata.max-key-length and max-value-length at least 1");
	}

	private static void assertInvalid(Map<String, String> properties, String message) {
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(properties))
			.havingRootCause()
			.withMessageContaining(message);
	}

	private static ApiProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(ApiProperties.PREFIX,
				Bindable.of(ApiProperties.class));
	}

}
