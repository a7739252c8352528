package io.inferq.api.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The watcher's polls, with a probe of its own. About 2 s. */
class EndWatcherTest {

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger shared = new AtomicInteger();

	@AfterEach
	void stop() {
		this.scheduler.shutdownNow();
	}

	@Test
	void ended_answersItsWaitersAtOnce_withoutAPoll() throws Exception {
		EndWatcher<String, String> watcher = new EndWatcher<>("job", probe(new ArrayList<>(), Duration.ZERO),
				this.scheduler, Duration.ofHours(1), 10);
		CompletableFuture<Optional<String>> first = watcher.await("a", Duration.ofSeconds(10), this.shared);
		CompletableFuture<Optional<String>> second = watcher.await("a", Duration.ofSeconds(10), this.shared);
		CompletableFuture<Optional<String>> other = watcher.await("b", Duration.ofSeconds(10), this.shared);

		watcher.ended("a", "CANCELLED");

		assertThat(first.get(1, TimeUnit.SECONDS)).hasValue("CANCELLED");
		assertThat(second.get(1, TimeUnit.SECONDS)).hasValue("CANCELLED");
		assertThat(other).isNotDone();
		assertThat(watcher.waiting()).isEqualTo(1);
	}

	@Test
	void polls_startAnIntervalApart_fromTheirStarts_andAnOverdueOneAQuarterIntervalAfterTheLast() throws Exception {
		List<Long> starts = Collections.synchronizedList(new ArrayList<>());
		// Each poll takes 150 ms of a 100 ms interval: the next starts 25 ms after.
		EndWatcher<String, String> watcher = new EndWatcher<>("job", probe(starts, Duration.ofMillis(150)),
				this.scheduler, Duration.ofMillis(100), 10);
		watcher.await("a", Duration.ofSeconds(10), this.shared);
		Thread.sleep(1500);

		List<Long> gaps = new ArrayList<>();
		synchronized (starts) {
			for (int i = 1; i < starts.size(); i++) {
				gaps.add(TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1)));
			}
		}
		// Never before the last ended and paused; the upper bound is loose for loaded
		// machines.
		assertThat(gaps).hasSizeGreaterThanOrEqualTo(3).allSatisfy((gap) -> assertThat(gap).isBetween(170L, 600L));
	}

	private EndWatcher.Probe<String, String> probe(List<Long> starts, Duration takes) {
		return new EndWatcher.Probe<>() {
			@Override
			public int maxKeys() {
				return 100;
			}

			@Override
			public CompletableFuture<Map<String, String>> ended(List<String> keys) {
				starts.add(System.nanoTime());
				return CompletableFuture.supplyAsync(Map::of,
						CompletableFuture.delayedExecutor(takes.toMillis(), TimeUnit.MILLISECONDS));
			}
		};
	}

}
