package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.inferq.cli.Batch.Counts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private final AtomicLong clock = new AtomicLong(1);

	@Test
	void plain_shouldPrintALinePerUpdateAtMostOnceASecond() {
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startEnqueue(3000);
		tick(Duration.ofMillis(500));
		progress.enqueued(1000, false);
		tick(Duration.ofMillis(600));
		progress.enqueued(1000, true);
		tick(Duration.ofMillis(900));
		progress.enqueued(1000, false);

		assertThat(text()).isEqualTo("""
				Enqueued 0/3,000 lines, - jobs/s
				Enqueued 2,000/3,000 lines (1,000 replayed), 1,818 jobs/s
				Enqueued 3,000/3,000 lines (1,000 replayed), 1,500 jobs/s
				""");
	}

	@Test
	void bar_shouldRedrawOneLineInPlace() {
		Progress progress = progress(Progress.Style.BAR);

		progress.startEnqueue(4);
		tick(Duration.ofSeconds(1));
		progress.enqueued(2, false);
		progress.message("Retrying lines 3-4 in 500 ms: connection refused");
		tick(Duration.ofSeconds(1));
		progress.enqueued(2, false);
		progress.finish();

		assertThat(text()).isEqualTo("\r[------------------------------] Enqueued 0/4 lines, - jobs/s\033[K"
				+ "\r[###############---------------] Enqueued 2/4 lines, 2 jobs/s\033[K\n"
				+ "Retrying lines 3-4 in 500 ms: connection refused\n"
				+ "\r[##############################] Enqueued 4/4 lines, 2 jobs/s\033[K\n");
	}

	@Test
	void waited_shouldShowTheJobsCounts() {
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startWait(10);
		progress.waited(new Counts(7, 2, 1, 0, 0, 0), 0, 2);
		tick(Duration.ofSeconds(2));
		progress.waited(new Counts(1, 2, 5, 1, 1, 0), 1, 2);

		assertThat(text()).isEqualTo("Finished 1/10 jobs (1 succeeded, 0 failed, 0 cancelled, 0 expired; "
				+ "2 running, 7 queued), 0/2 batches done, - jobs/s\n"
				+ "Finished 7/10 jobs (5 succeeded, 1 failed, 1 cancelled, 0 expired; "
				+ "2 running, 1 queued), 1/2 batches done, 3 jobs/s, ETA 1s\n");
	}

	@Test
	void waited_polled_shouldNotCountJobsThatEndedBeforeTheWait_andShowAnEta() {
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startWait(500);
		progress.waited(new Counts(8, 2, 490, 0, 0, 0), 0, 1);
		tick(Duration.ofSeconds(2));
		progress.waited(new Counts(4, 2, 494, 0, 0, 0), 0, 1);

		assertThat(text()).endsWith("Finished 494/500 jobs (494 succeeded, 0 failed, 0 cancelled, 0 expired; "
				+ "2 running, 4 queued), 0/1 batches done, 2 jobs/s, ETA 3s\n");
	}

	@Test
	void waited_polled_shouldMeasureTheRateOverTheLastMinute() {
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startWait(1000);
		progress.waited(new Counts(1000, 0, 0, 0, 0, 0), 0, 1);
		for (int second = 1; second <= 90; second++) {
			tick(Duration.ofSeconds(1));
			long ended = (second <= 60) ? second : 60 + (second - 60) * 10L;
			progress.waited(new Counts(1000 - ended, 0, ended, 0, 0, 0), 0, 1);
		}

		assertThat(text()).endsWith("Finished 360/1,000 jobs (360 succeeded, 0 failed, 0 cancelled, 0 expired; "
				+ "0 running, 640 queued), 0/1 batches done, 6 jobs/s, ETA 1m57s\n");
	}

	@Test
	void waited_withTheApisRateAndNoEta_shouldShowTheTimeLeftAtThatRate() {
		// A cancelled batch's stream has ended, yet its queued jobs still end as the
		// workers reach them.
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startWait(500);
		tick(Duration.ofSeconds(6));
		progress.waited(new Counts(24, 0, 12, 0, 464, 0), 0, 1, 12, null);

		assertThat(text()).isEqualTo("Finished 476/500 jobs (12 succeeded, 0 failed, 464 cancelled, 0 expired; "
				+ "0 running, 24 queued), 0/1 batches done, 12 jobs/s, ETA 2s\n");
	}

	@Test
	void waited_withTheApisRateAndEta_shouldShowASlowRateAndTheTimeLeft() {
		Progress progress = progress(Progress.Style.PLAIN);

		progress.startWait(500);
		tick(Duration.ofSeconds(6));
		progress.waited(new Counts(498, 2, 0, 0, 0, 0), 0, 1, 0.4, java.time.Instant.now().plusSeconds(90));

		assertThat(text()).startsWith("Finished 0/500 jobs (0 succeeded, 0 failed, 0 cancelled, 0 expired; "
				+ "2 running, 498 queued), 0/1 batches done, 0.4 jobs/s, ETA 1m");
	}

	@Test
	void none_shouldShowMessagesOnly() {
		Progress progress = progress(Progress.Style.NONE);

		progress.startEnqueue(1);
		progress.enqueued(1, false);
		progress.message("Done.");

		assertThat(text()).isEqualTo("Done.\n");
	}

	private Progress progress(Progress.Style style) {
		return Progress.to(new PrintStream(this.err, true, StandardCharsets.UTF_8), style, this.clock::get);
	}

	private void tick(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	private String text() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
