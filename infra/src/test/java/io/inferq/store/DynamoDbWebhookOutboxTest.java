package io.inferq.store;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.DynamoDbTenantWebhooks;
import io.inferq.store.dynamodb.DynamoDbWebhookOutbox;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.TenantWebhooks;
import io.inferq.webhook.WebhookOutbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's webhook outbox and tenant settings against DynamoDB Local, on a table of their
 * own: the job store marks exactly the jobs that end with a callback, in the outcome's
 * write; the outbox lists and clears marks; one claimant sends a batch's event.
 */
class DynamoDbWebhookOutboxTest {

	private static final Instant NOW = Instant.now();

	private static final URI CALLBACK = URI.create("https://hooks.example.com/inferq");

	private static DynamoDbAsyncClient dynamoDb;

	private static JobStore jobs;

	private static WebhookOutbox outbox;

	private static BatchStore batches;

	private static TenantWebhooks webhooks;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		String table = "outbox-" + UUID.randomUUID();
		JobTable.createIfAbsent(dynamoDb, table).join();
		jobs = new DynamoDbJobStore(dynamoDb, table, Duration.ofDays(7));
		outbox = new DynamoDbWebhookOutbox(dynamoDb, table);
		batches = new DynamoDbBatchStore(dynamoDb, table, Duration.ofDays(7));
		webhooks = new DynamoDbTenantWebhooks(dynamoDb, table);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void theOutcomeWrite_marksOnlyEndedJobsWithACallback_untilCleared() {
		Job withCallback = ended(CALLBACK);
		Job withoutCallback = ended(null);
		Job running = jobs.create(aJob(CALLBACK)).join();
		jobs.update(running.start(NOW, Duration.ofMinutes(1))).join();

		assertThat(outbox.owed(Instant.now().plusSeconds(1), 100).join()).containsExactly(withCallback.id());
		assertThat(outbox.owed(NOW.minusSeconds(60), 100).join()).isEmpty();
		assertThat(jobs.find(withCallback.id()).join().orElseThrow().callback()).isEqualTo(CALLBACK);

		outbox.clear(withCallback).join();
		outbox.clear(withCallback).join();

		assertThat(outbox.owed(Instant.now().plusSeconds(1), 100).join()).isEmpty();
		assertThat(jobs.find(withoutCallback.id()).join().orElseThrow().callback()).isNull();
	}

	@Test
	void aBatchsEvent_isClaimedByOneClaimant_whoMayAskAgain() {
		BatchId id = BatchId.random();
		batches.create(Batch.start(id, Map.of(), NOW, Duration.ofHours(1), Duration.ofMinutes(1))).join();

		assertThat(outbox.claimBatchEvent(id, URI.create("https://example.com/hook"), "message-1").join()).isTrue();
		assertThat(outbox.claimBatchEvent(id, URI.create("https://example.com/hook"), "message-2").join()).isFalse();
		assertThat(outbox.claimBatchEvent(id, URI.create("https://example.com/hook"), "message-1").join()).isTrue();
		assertThat(outbox.claimBatchEvent(BatchId.random(), URI.create("https://example.com/hook"), "message-1").join())
			.isFalse();
	}

	/**
	 * A batch of 3 jobs on shards 0-2: only the write of its last job ends it; a
	 * cancelled one only once its jobs all ended; one still ENQUEUEING is looked at.
	 */
	@Test
	void batchMayHaveEnded_shouldBeTrueOnlyOnceTheLastJobEnded() {
		Batch enqueueing = batches
			.create(Batch.start(BatchId.random(), Map.of(), NOW, Duration.ofHours(1), Duration.ofMinutes(1)))
			.join();
		List<Job> created = jobs
			.createAll(IntStream.range(0, 3)
				.mapToObj((seq) -> Job.submitInBatch(new BatchItem(enqueueing.id(), seq, "item-" + seq),
						Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1)))
				.toList())
			.join();
		batches.addJobs(enqueueing, 0, 3).join();
		assertThat(outbox.batchMayHaveEnded(enqueueing.id()).join()).as("ENQUEUEING").isTrue();
		batches.markEnqueued(enqueueing.id(), null, 3, NOW).join();

		jobs.update(created.get(0).fail(new JobError("ModelError", "no"), NOW)).join();
		jobs.update(created.get(1).fail(new JobError("ModelError", "no"), NOW)).join();
		assertThat(outbox.batchMayHaveEnded(enqueueing.id()).join()).as("a job left").isFalse();
		batches.cancel(enqueueing.id(), NOW).join();
		assertThat(outbox.batchMayHaveEnded(enqueueing.id()).join()).as("cancelled, a job left").isFalse();
		jobs.update(created.get(2).cancel(NOW)).join();

		assertThat(outbox.batchMayHaveEnded(enqueueing.id()).join()).as("cancelled, all ended").isTrue();
		assertThat(outbox.batchMayHaveEnded(BatchId.random()).join()).as("no such batch").isFalse();
	}

	@Test
	void aTenantsSecret_isMadeOnce_andItsEndpointSetAndRemoved() {
		TenantId tenant = new TenantId("acme-" + UUID.randomUUID());
		assertThat(webhooks.find(tenant).join()).isEmpty();

		String secret = webhooks.of(tenant).join().secret();

		assertThat(secret).startsWith("whsec_");
		assertThat(webhooks.of(tenant).join().secret()).isEqualTo(secret);
		assertThat(webhooks.setEndpoint(tenant, CALLBACK).join().endpoint()).isEqualTo(CALLBACK);
		assertThat(webhooks.find(tenant).join().orElseThrow().endpoint()).isEqualTo(CALLBACK);
		webhooks.setEndpoint(tenant, null).join();
		assertThat(webhooks.find(tenant).join().orElseThrow()).satisfies((webhook) -> {
			assertThat(webhook.endpoint()).isNull();
			assertThat(webhook.secret()).isEqualTo(secret);
		});
	}

	private static Job ended(URI callback) {
		Job created = jobs.create(aJob(callback)).join();
		Job running = jobs.update(created.start(NOW, Duration.ofMinutes(1))).join();
		return jobs.update(running.fail(new JobError("Test", "ended"), NOW)).join();
	}

	private static Job aJob(URI callback) {
		return Job.submit(JobId.random(), Payload.json("{}"), null, Map.of(), NOW, Duration.ofHours(1))
			.withCallback(callback);
	}

}
