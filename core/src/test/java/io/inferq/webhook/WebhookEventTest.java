package io.inferq.webhook;

import java.time.Instant;
import java.util.Map;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's event in the topics' shape, and which topic it goes to: the success topic
 * only when every job of the batch succeeded.
 */
class WebhookEventTest {

	private static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");

	@Test
	void aBatchsTopicsEvent_reportsSuccessOnlyWhenEveryJobSucceeded_andLeavesTheClientsMetadataOut() {
		WebhookEvent allGood = WebhookEvent.forTopics(aCompletedBatch(new BatchCounts(0, 0, 3, 0, 0, 0)), NOW);
		WebhookEvent oneFailed = WebhookEvent.forTopics(aCompletedBatch(new BatchCounts(0, 0, 2, 1, 0, 0)), NOW);

		assertThat(allGood.reportsSuccess()).isTrue();
		assertThat(oneFailed.reportsSuccess()).isFalse();
		assertThat(allGood.type()).isEqualTo("batch.completed");
		assertThat(allGood.batchId()).isNotNull();
		assertThat(allGood.jobId()).isNull();
		assertThat(allGood.body()).contains("\"tenant\":\"acme\"").doesNotContain("private");
		assertThat(WebhookEvent.of(aCompletedBatch(new BatchCounts(0, 0, 3, 0, 0, 0)), NOW).body()).contains("private")
			.doesNotContain("\"tenant\"");
	}

	private static Batch aCompletedBatch(BatchCounts counts) {
		return new Batch(BatchId.random(), new TenantId("acme"), BatchStatus.COMPLETED, 3, counts,
				Map.of("private", "x"), NOW, NOW.plusSeconds(3600), null, NOW, null, null, null);
	}

}
