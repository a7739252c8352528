package io.inferq.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.inferq.job.Job;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchTest {

	private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

	@Test
	void start_shouldBeEnqueueingUnderALease() {
		Batch batch = Batch.start(BatchId.random(), Map.of(), NOW, Duration.ofHours(24), Duration.ofMinutes(1));

		assertThat(batch.status()).isEqualTo(BatchStatus.ENQUEUEING);
		assertThat(batch.deadline()).isEqualTo(NOW.plus(Duration.ofHours(24)));
		assertThat(batch.isAbandoned(NOW.plusSeconds(59))).isFalse();
		assertThat(batch.isAbandoned(NOW.plusSeconds(60))).isTrue();
		assertThat(batch.isCancelled()).isFalse();
	}

	@Test
	void aBatchInProgress_shouldBeCompleted_whenItsCountersSayEveryJobEnded() {
		Batch running = inProgress(3, new BatchCounts(0, 1, 1, 1, 0, 0));
		Batch done = inProgress(3, new BatchCounts(0, 0, 1, 1, 0, 1));

		assertThat(running.status()).isEqualTo(BatchStatus.IN_PROGRESS);
		assertThat(done.status()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(done.counts().terminal()).isEqualTo(3);
	}

	@Test
	void failedAndCancelledBatches_shouldCancelTheirJobs() {
		Batch batch = inProgress(1, BatchCounts.NONE);

		assertThat(withStatus(batch, BatchStatus.CANCELLED).isCancelled()).isTrue();
		assertThat(withStatus(batch, BatchStatus.FAILED).isCancelled()).isTrue();
	}

	@Test
	void aCancelledBatch_shouldHaveEnded_onlyOnceEveryJobOfItHasEnded() {
		Batch draining = withStatus(inProgress(3, new BatchCounts(1, 1, 1, 0, 0, 0)), BatchStatus.CANCELLED);
		Batch drained = withStatus(inProgress(3, new BatchCounts(0, 0, 2, 0, 1, 0)), BatchStatus.CANCELLED);
		Batch neverAccepted = new Batch(BatchId.random(), TenantId.DEFAULT, BatchStatus.CANCELLED, 3,
				new BatchCounts(3, 0, 0, 0, 0, 0), Map.of(), NOW, NOW.plus(Duration.ofHours(24)), null, null, NOW, null,
				null);

		assertThat(inProgress(3, BatchCounts.NONE).hasEnded()).isFalse();
		assertThat(draining.hasEnded()).isFalse();
		assertThat(drained.hasEnded()).isTrue();
		assertThat(neverAccepted.hasEnded()).as("none of its jobs runs").isTrue();
		assertThat(inProgress(3, new BatchCounts(0, 0, 3, 0, 0, 0)).hasEnded()).as("COMPLETED").isTrue();
	}

	@Test
	void jobsOfABatch_shouldHaveIdsDerivedFromItsId_andTheirStoredStatus() {
		BatchId id = new BatchId("batch-0123456789");
		Job job = Job.submitInBatch(new BatchItem(id, 41, "mine"), Payload.json("1"), null, Map.of(), NOW,
				Duration.ofHours(1));

		assertThat(job.id().value()).isEqualTo("batch-0123456789-41");
		assertThat(job.isInBatch()).isTrue();
		assertThat(job.storedStatus()).isNull();
		Job stored = job.withVersion(1);
		Job running = stored.start(NOW, Duration.ofMinutes(1));
		assertThat(running.storedStatus()).isEqualTo(JobStatus.QUEUED);
		assertThat(running.withVersion(2).storedStatus()).isEqualTo(JobStatus.RUNNING);
		assertThatThrownBy(() -> new BatchId("no")).isInstanceOf(IllegalArgumentException.class);
	}

	private static Batch inProgress(long total, BatchCounts counts) {
		return new Batch(BatchId.random(), TenantId.DEFAULT, BatchStatus.IN_PROGRESS, total, counts, Map.of(), NOW,
				NOW.plus(Duration.ofHours(24)), null, NOW, null, "f", null);
	}

	private static Batch withStatus(Batch batch, BatchStatus status) {
		return new Batch(batch.id(), batch.tenant(), status, batch.total(), batch.counts(), batch.metadata(),
				batch.createdAt(), batch.deadline(), null, batch.enqueuedAt(), NOW, batch.fingerprint(), null);
	}

}
