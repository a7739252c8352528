package io.inferq.worker.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BacklogMetricPublisherTest {

	private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

	private final AtomicLong waiting = new AtomicLong();

	private final AtomicInteger instances = new AtomicInteger(1);

	private final InMemoryBacklogMetricWriter metric = new InMemoryBacklogMetricWriter();

	private BacklogReader backlog = () -> CompletableFuture.completedFuture(this.waiting.get());

	@Test
	void publish_shouldWriteTheWaitingMessagesPerInstance() {
		this.waiting.set(30);
		this.instances.set(4);

		Optional<BacklogSample> published = publisher().publish().join();

		assertThat(this.metric.samples).containsExactly(new BacklogSample(30, 4, NOW));
		assertThat(published).contains(new BacklogSample(30, 4, NOW));
		assertThat(this.metric.samples.get(0).perInstance()).isCloseTo(7.5, within(1e-9));
	}

	@Test
	void publish_shouldWriteZeroWhenNothingWaits() {
		this.instances.set(2);

		publisher().publish().join();

		assertThat(this.metric.samples).singleElement()
			.satisfies((sample) -> assertThat(sample.perInstance()).isZero());
	}

	@Test
	void publish_shouldWriteNothingWhileTheEndpointHasNoInstance() {
		this.waiting.set(12);
		this.instances.set(0);

		Optional<BacklogSample> published = publisher().publish().join();

		assertThat(published).isEmpty();
		assertThat(this.metric.samples).isEmpty();
	}

	@Test
	void publish_shouldFailWhenTheBacklogCannotBeRead() {
		this.backlog = () -> CompletableFuture.failedFuture(new IllegalStateException("SQS is down"));

		CompletableFuture<Optional<BacklogSample>> publication = publisher().publish();

		assertThat(publication).failsWithin(Duration.ofSeconds(1))
			.withThrowableThat()
			.withRootCauseInstanceOf(IllegalStateException.class);
		assertThat(this.metric.samples).isEmpty();
	}

	@Test
	void publish_shouldFailWhenItTakesLongerThanTheTimeout() {
		this.backlog = CompletableFuture::new;

		CompletableFuture<Optional<BacklogSample>> publication = publisher(Duration.ofMillis(50)).publish();

		assertThat(publication).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withRootCauseInstanceOf(TimeoutException.class);
	}

	@Test
	void run_shouldGoOnAfterAFailure() {
		BacklogMetricPublisher publisher = publisher();
		this.metric.failWith(new IllegalStateException("CloudWatch is down"));
		publisher.run();

		this.metric.failWith(null);
		this.waiting.set(3);
		publisher.run();

		assertThat(this.metric.samples).containsExactly(new BacklogSample(3, 1, NOW));
	}

	@Test
	void run_shouldGoOnWhenTheInstanceCountCannotBeHad() {
		BacklogMetricPublisher publisher = new BacklogMetricPublisher(this.backlog, () -> {
			throw new IllegalStateException("no instance count yet");
		}, this.metric, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60));

		publisher.run();
		publisher.run();

		assertThat(this.metric.samples).isEmpty();
	}

	@Test
	void run_shouldSkipWhileTheLastPublicationIsStillGoing() {
		BacklogMetricPublisher publisher = publisher();
		CompletableFuture<Void> firstWrite = this.metric.hold();
		publisher.run();

		publisher.run();
		assertThat(this.metric.samples).hasSize(1);

		firstWrite.complete(null);
		publisher.run();
		assertThat(this.metric.samples).hasSize(2);
	}

	private BacklogMetricPublisher publisher() {
		return publisher(Duration.ofSeconds(60));
	}

	private BacklogMetricPublisher publisher(Duration timeout) {
		return new BacklogMetricPublisher(this.backlog, this.instances::get, this.metric,
				Clock.fixed(NOW, ZoneOffset.UTC), timeout);
	}

}
