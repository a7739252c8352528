package io.inferq.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DurationsTest {

	@Test
	void parse_shouldReadTheUsualUnits() {
		assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
		assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
		assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
		assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
		assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void parse_shouldSayHowToWriteADuration() {
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> Durations.parse("soon"))
			.withMessageContaining("500ms, 2s, 5m or 1h");
	}

}
