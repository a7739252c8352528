package io.inferq.worker.stats;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.stats.MinuteStats;
import io.inferq.stats.StatsStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MinuteStatsRecorderTest {

	private static final Instant NOW = Instant.parse("2026-11-30T10:15:30Z");

	private final RecordingStore store = new RecordingStore();

	private final MinuteStatsRecorder recorder = new MinuteStatsRecorder(this.store, "model#all",
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Test
	void flush_shouldAddTheMinutesCountsOnce_andRegisterTheEndpoint() {
		this.recorder.ended("succeeded", ended(Duration.ofMillis(80)));
		this.recorder.ended("succeeded", ended(Duration.ofSeconds(3)));
		this.recorder.ended("failed", failed(Duration.ofMillis(300)));
		this.recorder.ended("retried", ended(Duration.ofSeconds(1)).withVersion(3));

		this.recorder.flush().join();
		this.recorder.flush().join();

		assertThat(this.store.registered).containsExactly("model#all");
		assertThat(this.store.added).singleElement().satisfies((minute) -> {
			assertThat(minute.minute()).isEqualTo(Instant.parse("2026-11-30T10:15:00Z"));
			assertThat(minute.ended()).isEqualTo(Map.of("succeeded", 2L, "failed", 1L, "retried", 1L));
			assertThat(minute.latencyCount()).isEqualTo(3);
			assertThat(minute.latencySumMillis()).isEqualTo(3380);
			assertThat(minute.buckets().get(MinuteStats.bucketOf(Duration.ofMillis(80)))).isEqualTo(1);
			assertThat(minute.buckets().get(MinuteStats.bucketOf(Duration.ofSeconds(3)))).isEqualTo(1);
		});
	}

	@Test
	void flush_shouldKeepCountsWhoseWriteFailed_forTheNextFlush() {
		this.recorder.ended("succeeded", ended(Duration.ofMillis(80)));
		this.store.failing = true;
		this.recorder.flush().join();
		this.store.failing = false;
		this.recorder.ended("succeeded", ended(Duration.ofMillis(80)));

		this.recorder.flush().join();

		assertThat(this.store.added).singleElement()
			.satisfies((minute) -> assertThat(minute.ended("succeeded")).isEqualTo(2));
	}

	private static Job ended(Duration latency) {
		Instant created = NOW.minus(latency);
		return Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), created, Duration.ofHours(1))
			.start(created, Duration.ofMinutes(1))
			.succeed(Payload.json("1"), NOW);
	}

	private static Job failed(Duration latency) {
		Instant created = NOW.minus(latency);
		return Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), created, Duration.ofHours(1))
			.start(created, Duration.ofMinutes(1))
			.fail(new JobError("ModelError", "no"), NOW);
	}

	private static final class RecordingStore implements StatsStore {

		final List<MinuteStats> added = new ArrayList<>();

		final List<String> registered = new ArrayList<>();

		boolean failing;

		@Override
		public CompletableFuture<Void> add(String endpoint, MinuteStats counts) {
			if (this.failing) {
				return CompletableFuture.failedFuture(new IllegalStateException("store down"));
			}
			this.added.add(counts);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> register(String endpoint) {
			if (this.failing) {
				return CompletableFuture.failedFuture(new IllegalStateException("store down"));
			}
			this.registered.add(endpoint);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Set<String>> endpoints() {
			return CompletableFuture.completedFuture(Set.copyOf(this.registered));
		}

		@Override
		public CompletableFuture<List<MinuteStats>> minutes(String endpoint, Instant from, Instant to) {
			return CompletableFuture.completedFuture(List.of());
		}

	}

}
