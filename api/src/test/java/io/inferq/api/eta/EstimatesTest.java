package io.inferq.api.eta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.QueueDepths;
import io.inferq.pace.ClusterPace;
import io.inferq.pace.Pace;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EstimatesTest {

	private static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");

	private final EtaProperties properties = new EtaProperties("endpoint", "all", Duration.ofSeconds(1),
			Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void of_aQueuedJobBehindABacklog_shouldEndAfterTheBacklogAtWhatThePermitsServe() {
		// 8 permits of 1 s: 8 jobs a second, whatever the rate measured over an idle
		// spell.
		Estimates estimates = estimates(new QueueDepths.Depth(70, 9), new Pace(0.5, 1000, 9));

		JobEstimate estimate = estimates.of(aJobCreatedAt(NOW)).orElseThrow();

		assertThat(estimate.finishAt()).isEqualTo(NOW.plusMillis(80 * 1000 / 8));
		assertThat(estimate.startAt()).isEqualTo(estimate.finishAt().minusSeconds(1));
	}

	@Test
	void of_shouldNotCountMessagesInFlightBeyondWhatTheWorkersHold() {
		// 6 of the 15 in flight are of ended jobs whose deletes are not in yet.
		Estimates estimates = estimates(new QueueDepths.Depth(70, 15), new Pace(8, 1000, 9));

		assertThat(estimates.of(aJobCreatedAt(NOW)).orElseThrow().finishAt()).isEqualTo(NOW.plusSeconds(10));
	}

	@Test
	void of_aQueuedJobWithFreePermits_shouldEndAfterOneServiceTime() {
		Estimates estimates = estimates(new QueueDepths.Depth(0, 2), new Pace(0, 1000, 2));

		assertThat(estimates.of(aJobCreatedAt(NOW)).orElseThrow().finishAt()).isEqualTo(NOW.plusSeconds(1));
	}

	@Test
	void of_countsTheJobsThisProcessQueuedSinceTheDepthWasRead() {
		Estimates estimates = estimates(new QueueDepths.Depth(70, 9), new Pace(8, 1000, 9));
		estimates.queued(false, 8);

		assertThat(estimates.of(aJobCreatedAt(NOW)).orElseThrow().finishAt()).isEqualTo(NOW.plusMillis(88 * 125));
	}

	@Test
	void of_withoutThePace_shouldEstimateNothing() {
		Estimates estimates = new Estimates((bulk) -> CompletableFuture.completedFuture(new QueueDepths.Depth(1, 1)),
				() -> CompletableFuture.completedFuture(Optional.empty()), this.properties,
				Clock.fixed(NOW, ZoneOffset.UTC));

		assertThat(estimates.of(aJobCreatedAt(NOW))).isEmpty();
	}

	@Test
	void completionOf_aCancelledBatchWhoseJobsAreStillEnding_shouldBeOneServiceTimeAway_andOfAnEndedOneNothing() {
		Estimates estimates = new Estimates((bulk) -> CompletableFuture.completedFuture(new QueueDepths.Depth(500, 8)),
				() -> CompletableFuture
					.completedFuture(Optional.of(new ClusterPace(8, new Pace(8, 1000, 8), new Pace(8, 1000, 8)))),
				this.properties, Clock.fixed(NOW, ZoneOffset.UTC));
		estimates.completionOf(aBatch(BatchStatus.IN_PROGRESS, new BatchCounts(480, 4, 16, 0, 0, 0)));

		// 480 still queued behind 500: they are cancelled, not run.
		Batch draining = aBatch(BatchStatus.CANCELLED, new BatchCounts(0, 4, 16, 0, 480, 0));
		Batch ended = aBatch(BatchStatus.CANCELLED, new BatchCounts(0, 0, 20, 0, 480, 0));

		assertThat(estimates.completionOf(draining)).hasValue(NOW.plusSeconds(1));
		assertThat(estimates.retryAfter(estimates.completionOf(draining), Duration.ofSeconds(2)))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(estimates.completionOf(ended)).isEmpty();
		assertThat(estimates.completionOf(aBatch(BatchStatus.IN_PROGRESS, new BatchCounts(480, 4, 16, 0, 0, 0))))
			.as("running, behind the whole bulk backlog")
			.hasValueSatisfying((at) -> assertThat(at).isAfter(NOW.plusSeconds(60)));
	}

	private static Batch aBatch(BatchStatus status, BatchCounts counts) {
		return new Batch(new BatchId("b_0123456789abcdef"), TenantId.DEFAULT, status, 500, counts, Map.of(), NOW,
				NOW.plusSeconds(3600), null, NOW, null, "fingerprint", null);
	}

	private Estimates estimates(QueueDepths.Depth depth, Pace interactive) {
		Estimates estimates = new Estimates((bulk) -> CompletableFuture.completedFuture(depth),
				() -> CompletableFuture.completedFuture(Optional.of(new ClusterPace(8, interactive, Pace.NONE))),
				this.properties, Clock.fixed(NOW, ZoneOffset.UTC));
		// The first call reads the sources (here at once); estimates follow.
		estimates.of(aJobCreatedAt(NOW));
		return estimates;
	}

	private static Job aJobCreatedAt(Instant createdAt) {
		return Job.submit(JobId.random(), Payload.json("{}"), "application/json", Map.of(), createdAt,
				Duration.ofHours(6));
	}

}
