package io.inferq.api.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.api.jobs.ServiceUnavailableException;
import io.inferq.config.InferqAwsProperties;
import io.inferq.stats.MinuteStats;
import io.inferq.stats.StatsStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsServiceTests {

	private static final Instant NOW = Instant.parse("2026-11-30T10:15:30Z");

	private final AtomicInteger queueReads = new AtomicInteger();

	private volatile boolean queuesDown;

	private final MutableClock clock = new MutableClock();

	private final OpsService ops = new OpsService(this::depth, this::capacity, new OneEndpoint(), aws(), this.clock,
			Duration.ofSeconds(5), Duration.ofSeconds(5));

	@Test
	void overview_shouldGatherQueuesCapacityAndTheLastHour() {
		OpsOverview overview = this.ops.overview().join();

		assertThat(overview.queues()).extracting(OpsOverview.Queue::lane).containsExactly("interactive", "bulk");
		assertThat(overview.queues().get(0)).isEqualTo(new OpsOverview.Queue("interactive", "inferq-jobs", 3, 2, 1));
		assertThat(overview.deadLetter().name()).isEqualTo("inferq-jobs-dlq");
		assertThat(overview.endpoints()).singleElement().satisfies((endpoint) -> {
			assertThat(endpoint.endpoint()).isEqualTo("model#all");
			assertThat(endpoint.capacity()).isEqualTo(8);
			assertThat(endpoint.limit()).isEqualTo(6);
			assertThat(endpoint.held()).isEqualTo(5);
			assertThat(endpoint.demand()).isEqualTo(9);
			assertThat(endpoint.minutes()).hasSize(60);
			assertThat(endpoint.minutes().get(59).minute()).isEqualTo(Instant.parse("2026-11-30T10:15:00Z"));
			assertThat(endpoint.minutes().get(59).succeeded()).isEqualTo(4);
			assertThat(endpoint.minutes().get(59).meanMillis()).isEqualTo(50);
			assertThat(endpoint.minutes().get(0).meanMillis()).isNull();
		});
	}

	@Test
	void overview_shouldBeReadOncePerFreshness_whoeverAsks() {
		this.ops.overview().join();
		this.clock.advance(Duration.ofSeconds(4));
		this.ops.overview().join();
		assertThat(this.queueReads).hasValue(3);

		this.clock.advance(Duration.ofSeconds(2));
		this.ops.overview().join();
		assertThat(this.queueReads).hasValue(6);
	}

	@Test
	void overview_shouldFailWith503_andNotKeepTheFailure() {
		this.queuesDown = true;
		assertThatThrownBy(() -> this.ops.overview().join()).cause().isInstanceOf(ServiceUnavailableException.class);

		this.queuesDown = false;
		assertThat(this.ops.overview().join().queues()).hasSize(2);
	}

	private CompletableFuture<QueueDepths.QueueDepth> depth(String queue) {
		this.queueReads.incrementAndGet();
		return this.queuesDown ? CompletableFuture.failedFuture(new IllegalStateException("SQS down"))
				: CompletableFuture.completedFuture(new QueueDepths.QueueDepth(3, 2, 1));
	}

	private CompletableFuture<Optional<CapacityReader.Capacity>> capacity(String endpoint) {
		return CompletableFuture.completedFuture(
				Optional.of(new CapacityReader.Capacity(8, 6, Map.of("w-1", 3, "w-2", 2), Map.of("w-1", 9))));
	}

	private static InferqAwsProperties aws() {
		return new Binder(new MapConfigurationPropertySource(Map.of())).bindOrCreate(InferqAwsProperties.PREFIX,
				Bindable.of(InferqAwsProperties.class));
	}

	private static final class OneEndpoint implements StatsStore {

		@Override
		public CompletableFuture<Void> add(String endpoint, MinuteStats counts) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> register(String endpoint) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Set<String>> endpoints() {
			return CompletableFuture.completedFuture(Set.of("model#all"));
		}

		@Override
		public CompletableFuture<List<MinuteStats>> minutes(String endpoint, Instant from, Instant to) {
			List<MinuteStats> hour = new java.util.ArrayList<>();
			for (Instant minute = from; minute.isBefore(to); minute = minute.plusSeconds(60)) {
				hour.add(MinuteStats.empty(minute));
			}
			List<Long> buckets = new java.util.ArrayList<>(
					Collections.nCopies(MinuteStats.BUCKET_BOUNDS.size() + 1, 0L));
			buckets.set(0, 4L);
			hour.set(hour.size() - 1,
					new MinuteStats(hour.get(hour.size() - 1).minute(), Map.of("succeeded", 4L), 4, 200, buckets));
			return CompletableFuture.completedFuture(hour);
		}

	}

	private static final class MutableClock extends Clock {

		private Instant now = NOW;

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
