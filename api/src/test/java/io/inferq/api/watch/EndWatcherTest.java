package io.inferq.api.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The watcher's polls and told ends, with a probe of its own. About 2 s. */
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

	@Test
	void told_readsWhatWasTold_andAnswersOnlyWhatEnded_andOnlyTheFirstWaiterRegisters() throws Exception {
		Map<String, String> stored = new ConcurrentHashMap<>(Map.of("a", "SUCCEEDED", "b", "RUNNING"));
		List<List<String>> reads = Collections.synchronizedList(new ArrayList<>());
		List<String> registered = Collections.synchronizedList(new ArrayList<>());
		EndWatcher<String, String> watcher = new EndWatcher<>("job", toldProbe(stored, reads), this.scheduler,
				Duration.ofHours(1), 10);
		// Waiting before the watcher is told (its inbox not there yet): registered then.
		CompletableFuture<Optional<String>> a = watcher.await("a", Duration.ofSeconds(10), this.shared);
		watcher.tellWith((key) -> {
			registered.add(key);
			return CompletableFuture.completedFuture(true);
		}, Duration.ofHours(1));
		CompletableFuture<Optional<String>> again = watcher.await("a", Duration.ofSeconds(10), this.shared);
		CompletableFuture<Optional<String>> b = watcher.await("b", Duration.ofSeconds(10), this.shared);

		watcher.told(List.of("a", "b", "nobody-waits"));

		assertThat(a.get(1, TimeUnit.SECONDS)).hasValue("SUCCEEDED");
		assertThat(again.get(1, TimeUnit.SECONDS)).hasValue("SUCCEEDED");
		assertThat(b).as("told, but still running when read").isNotDone();
		assertThat(registered).containsExactly("a", "b");
		assertThat(reads).singleElement().satisfies((keys) -> assertThat(keys).containsExactlyInAnyOrder("a", "b"));
	}

	@Test
	void aRefusedRegistration_readsTheKeyAtOnce() throws Exception {
		Map<String, String> stored = Map.of("a", "CANCELLED");
		List<List<String>> reads = Collections.synchronizedList(new ArrayList<>());
		EndWatcher<String, String> watcher = new EndWatcher<>("job", toldProbe(stored, reads), this.scheduler,
				Duration.ofHours(1), 10);
		watcher.tellWith((key) -> CompletableFuture.completedFuture(false), Duration.ofHours(1));

		CompletableFuture<Optional<String>> a = watcher.await("a", Duration.ofSeconds(10), this.shared);

		assertThat(a.get(1, TimeUnit.SECONDS)).as("ended before it could be watched, and no poll")
			.hasValue("CANCELLED");
	}

	@Test
	void toldWatchers_pollOnlyAtTheirSlowerInterval() throws Exception {
		List<Long> starts = Collections.synchronizedList(new ArrayList<>());
		EndWatcher<String, String> watcher = new EndWatcher<>("job", probe(starts, Duration.ZERO), this.scheduler,
				Duration.ofMillis(50), 10);
		watcher.await("a", Duration.ofSeconds(10), this.shared);
		Thread.sleep(300);
		int polled = starts.size();
		watcher.tellWith((key) -> CompletableFuture.completedFuture(true), Duration.ofSeconds(5));
		Thread.sleep(600);

		assertThat(polled).as("polls every 50 ms before").isGreaterThanOrEqualTo(3);
		assertThat(starts.size() - polled).as("polls in 600 ms once told, every 5 s").isLessThanOrEqualTo(1);
	}

	private EndWatcher.Probe<String, String> toldProbe(Map<String, String> stored, List<List<String>> reads) {
		return new EndWatcher.Probe<>() {
			@Override
			public int maxKeys() {
				return 100;
			}

			@Override
			public CompletableFuture<Map<String, String>> ended(List<String> keys) {
				throw new AssertionError("no poll within the test's hour");
			}

			@Override
			public CompletableFuture<Map<String, String>> toldEnded(List<String> keys) {
				reads.add(keys);
				Map<String, String> ended = new HashMap<>();
				keys.stream()
					.filter((key) -> stored.containsKey(key) && !stored.get(key).equals("RUNNING"))
					.forEach((key) -> ended.put(key, stored.get(key)));
				return CompletableFuture.completedFuture(ended);
			}
		};
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
