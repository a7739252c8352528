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
	void aFewKeys_arePolledAnIntervalApart_andNeverWhileAPollRuns() throws Exception {
		List<Long> starts = Collections.synchronizedList(new ArrayList<>());
		// Each poll takes 150 ms of a 100 ms interval: the next read starts once the
		// interval's other three quarters have passed after it.
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

	/**
	 * 1,000 keys (10 calls' worth): each poll asks about a quarter of them, one every
	 * quarter interval, and every key is asked about once in four polls.
	 */
	@Test
	void manyKeys_arePolledAQuarterAtATime_eachOncePerInterval() throws Exception {
		List<List<String>> polls = Collections.synchronizedList(new ArrayList<>());
		EndWatcher<String, String> watcher = new EndWatcher<>("job", new EndWatcher.Probe<>() {
			@Override
			public int maxKeys() {
				return 100;
			}

			@Override
			public CompletableFuture<Map<String, String>> ended(List<String> keys) {
				polls.add(keys);
				return CompletableFuture.completedFuture(Map.of());
			}
		}, this.scheduler, Duration.ofMillis(200), 2000);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			keys.add("job-" + i);
			watcher.await("job-" + i, Duration.ofSeconds(10), this.shared);
		}
		Thread.sleep(1000);

		List<List<String>> calls;
		synchronized (polls) {
			calls = List.copyOf(polls);
		}
		// Each call asks about at most 100 keys of one quarter (by hash); in about five
		// intervals each key is asked about about five times.
		assertThat(calls).allSatisfy((call) -> {
			assertThat(call).hasSizeLessThanOrEqualTo(100);
			assertThat(call.stream().map((key) -> Math.floorMod(key.hashCode(), 4)).distinct()).hasSize(1);
		});
		Map<String, Long> asked = calls.stream()
			.flatMap(List::stream)
			.collect(java.util.stream.Collectors.groupingBy((key) -> key, java.util.stream.Collectors.counting()));
		assertThat(asked).containsOnlyKeys(keys).allSatisfy((key, times) -> assertThat(times).isBetween(3L, 7L));
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
