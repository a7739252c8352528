package io.inferq.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

	@Test
	void nextDelay_shouldGrowUpToTheMaximum() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofHours(1));

		assertThat(backoff.nextDelay(null)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
		assertThat(backoff.nextDelay(null)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
		assertThat(backoff.nextDelay(null)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
		assertThat(backoff.nextDelay(null)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
		assertThat(backoff.retries()).isEqualTo(4);
	}

	@Test
	void nextDelay_shouldWaitAsLongAsTheApiAsks() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofHours(1));

		assertThat(backoff.nextDelay(Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void nextDelay_shouldGiveUpWhenTheDelayWouldOutlastTheBudget() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(5));

		assertThat(backoff.nextDelay(Duration.ofSeconds(10))).isNull();
		assertThat(backoff.retries()).isZero();
	}

	@Test
	void parseRetryAfter_shouldReadSecondsAndDates() {
		assertThat(BatchesClient.parseRetryAfter("3")).isEqualTo(Duration.ofSeconds(3));
		assertThat(BatchesClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
		assertThat(BatchesClient.parseRetryAfter("later")).isNull();
	}

}
