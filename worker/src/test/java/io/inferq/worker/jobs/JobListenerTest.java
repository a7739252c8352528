package io.inferq.worker.jobs;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobListenerTest {

	@Test
	void visibilitySeconds_shouldRoundUp_andNeverBeBelowOneSecond() {
		assertThat(JobListener.visibilitySeconds(Duration.ofMillis(300))).isEqualTo(1);
		assertThat(JobListener.visibilitySeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(JobListener.visibilitySeconds(Duration.ofMillis(-40))).isEqualTo(1);
		assertThat(JobListener.visibilitySeconds(Duration.ofMillis(1001))).isEqualTo(2);
		assertThat(JobListener.visibilitySeconds(Duration.ofSeconds(7))).isEqualTo(7);
		assertThat(JobListener.visibilitySeconds(Duration.ofDays(1))).isEqualTo(12 * 60 * 60);
	}

}
