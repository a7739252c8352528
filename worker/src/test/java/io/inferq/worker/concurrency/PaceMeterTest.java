package io.inferq.worker.concurrency;

import java.time.Duration;

import io.inferq.pace.WorkerPace;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PaceMeterTest {

	private long now;

	private final PaceMeter meter = new PaceMeter(() -> this.now);

	@Test
	void pace_shouldBeTheRateOfTheLastSecondsAndTheMeanPermitTime() {
		run(Lane.INTERACTIVE, 50, Duration.ofSeconds(12), Duration.ofMillis(250));

		WorkerPace pace = this.meter.pace();
		assertThat(pace.interactivePerSecond()).isCloseTo(50, within(1.0));
		assertThat(pace.interactiveMillis()).isCloseTo(250, within(1.0));
		assertThat(pace.bulkPerSecond()).isZero();
	}

	@Test
	void pace_afterAnIdleGap_shouldNotAverageWithWhatCameBefore() {
		run(Lane.BULK, 50, Duration.ofSeconds(3), Duration.ofMillis(100));
		this.now += Duration.ofSeconds(4).toNanos();
		run(Lane.BULK, 10, Duration.ofSeconds(2), Duration.ofMillis(100));

		assertThat(this.meter.pace().bulkPerSecond()).isCloseTo(10, within(1.5));
	}

	@Test
	void permitTime_shouldBeTheMeanOfTheLastSeconds_notOfASlowStart() {
		run(Lane.INTERACTIVE, 10, Duration.ofSeconds(10), Duration.ofMillis(3000));
		run(Lane.INTERACTIVE, 10, Duration.ofSeconds(6), Duration.ofMillis(1000));

		assertThat(this.meter.pace().interactiveMillis()).isCloseTo(1000, within(1.0));
	}

	@Test
	void permitTime_afterAnIdleSpell_shouldBeTheLastMeasured() {
		run(Lane.BULK, 10, Duration.ofSeconds(3), Duration.ofMillis(400));
		this.meter.pace();
		this.now += Duration.ofMinutes(1).toNanos();

		assertThat(this.meter.pace().bulkMillis()).isCloseTo(400, within(1.0));
		assertThat(this.meter.pace().bulkPerSecond()).isZero();
	}

	private void run(Lane lane, int perSecond, Duration duration, Duration held) {
		long step = Duration.ofSeconds(1).toNanos() / perSecond;
		for (long elapsed = 0; elapsed < duration.toNanos(); elapsed += step) {
			this.now += step;
			this.meter.ended(lane, held.toNanos());
		}
	}

}
