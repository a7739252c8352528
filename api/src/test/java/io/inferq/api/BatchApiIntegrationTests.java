package io.inferq.api;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.api.idempotency.IdempotencyKey;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyRecord;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The batch API as it runs, against DynamoDB Local and ElasticMQ, with a table and queues
 * of its own. There is no worker: tests move jobs through the job store as a worker
 * would.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
class BatchApiIntegrationTests {

	static final String TABLE = "api-it-batches";

	static final String BULK_QUEUE = "api-it-batches-bulk";

	static final String NDJSON = "application/x-ndjson";

	private static SqsAsyncClient sqs;

	@Autowired
	private JobStore jobs;

	@Autowired
	private BatchStore batches;

	@Autowired
	private IdempotencyStore keys;

	@LocalServerPort
	private int port;

	private ApiClient api;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeAll
	static void sqsClient() {
		sqs = LocalAwsResources.sqs();
	}

	@AfterAll
	static void closeSqsClient() {
		sqs.close();
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
		sqs.purgeQueue((request) -> request.queueUrl(bulkQueueUrl())).join();
	}

	@Test
	void aJsonBatch_becomesOneQueuedJobPerItem_withDerivedIds() {
		HttpResponse<byte[]> response = this.api.post("/v1/batches", "application/json",
				"{\"items\": [{\"customId\": \"a\", \"input\": {\"inputs\": \"Hello\"}},"
						+ " {\"customId\": \"b\", \"inputBase64\": \"AAEC\", \"contentType\": \"image/png\"},"
						+ " {\"customId\": \"c\", \"input\": 3, \"metadata\": {\"k\": \"v\"}}],"
						+ " \"metadata\": {\"run\": \"42\"}}");

		assertThat(response.statusCode()).isEqualTo(202);
		JsonNode batch = ApiClient.json(response);
		String id = batch.get("id").asString();
		assertThat(response.headers().firstValue("Location")).hasValue("/v1/batches/" + id);
		assertThat(batch.get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(batch.get("total").asLong()).isEqualTo(3);
		assertThat(batch.get("counts").get("queued").asLong()).isEqualTo(3);
		assertThat(batch.get("metadata").get("run").asString()).isEqualTo("42");
		Job second = this.jobs.find(new JobId(id + "-1")).join().orElseThrow();
		assertThat(second.input()).isEqualTo(new Payload(new byte[] { 0, 1, 2 }, "image/png"));
		assertThat(second.batch().customId()).isEqualTo("b");
		assertThat(bulkMessageJobIds()).containsExactlyInAnyOrder(id + "-0", id + "-1", id + "-2");
		JsonNode job = ApiClient.json(this.api.get("/v1/jobs/" + id + "-2"));
		assertThat(job.get("batchId").asString()).isEqualTo(id);
		assertThat(job.get("customId").asString()).isEqualTo("c");
		assertThat(job.get("metadata").get("k").asString()).isEqualTo("v");
	}

	@Test
	void anNdjsonBatch_isStreamedIntoJobs_andCounted() {
		HttpResponse<byte[]> response = this.api.post("/v1/batches", NDJSON, ndjson(0, 1000) + "\n\n");

		assertThat(response.statusCode()).isEqualTo(202);
		String id = ApiClient.json(response).get("id").asString();
		JsonNode batch = ApiClient.json(this.api.get("/v1/batches/" + id));
		assertThat(batch.get("total").asLong()).isEqualTo(1000);
		assertThat(batch.get("counts").get("queued").asLong()).isEqualTo(1000);
		assertThat(this.jobs.find(new JobId(id + "-999")).join().orElseThrow().batch().customId())
			.isEqualTo("item-999");
		assertThat(this.jobs.find(new JobId(id + "-1000")).join()).isEmpty();
		assertThat(bulkMessageJobIds()).hasSize(1000).doesNotHaveDuplicates();
	}

	@Test
	void listing_paginatesInItemOrder_withAndWithoutAStatusFilter() {
		String id = enqueued(25);
		for (int seq : new int[] { 3, 11, 24 }) {
			Job job = this.jobs.find(new JobId(id + "-" + seq)).join().orElseThrow();
			this.jobs.update(job.cancel(Instant.now())).join();
		}

		List<String> all = new ArrayList<>();
		String token = null;
		int pages = 0;
		do {
			JsonNode page = ApiClient.json(this.api
				.get("/v1/batches/" + id + "/jobs?limit=10" + ((token != null) ? "&pageToken=" + token : "")));
			page.get("jobs").forEach((job) -> all.add(job.get("customId").asString()));
			token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
			pages++;
		}
		while (token != null);
		JsonNode cancelled = ApiClient.json(this.api.get("/v1/batches/" + id + "/jobs?status=CANCELLED&limit=2"));
		JsonNode rest = ApiClient.json(this.api.get(
				"/v1/batches/" + id + "/jobs?status=CANCELLED&pageToken=" + cancelled.get("nextPageToken").asString()));

		assertThat(pages).isEqualTo(3);
		assertThat(all).containsExactlyElementsOf(IntStream.range(0, 25).mapToObj((n) -> "item-" + n).toList());
		assertThat(cancelled.get("jobs").valueStream().map((job) -> job.get("id").asString()))
			.containsExactly(id + "-3", id + "-11");
		assertThat(rest.get("jobs").valueStream().map((job) -> job.get("id").asString())).containsExactly(id + "-24");
		assertThat(rest.has("nextPageToken")).isFalse();
		assertThat(this.api.get("/v1/batches/" + id + "/jobs?pageToken=bm9wZQ").statusCode()).isEqualTo(400);
		assertThat(this.api.get("/v1/batches/" + id + "/jobs?status=DONE").statusCode()).isEqualTo(400);
		assertThat(this.api.get("/v1/batches/" + id + "/jobs?limit=0").statusCode()).isEqualTo(400);
	}

	@Test
	void aFinishedBatchOf10000Jobs_isCompleted_andItsResultsStreamEveryJobOnce() {
		int size = 10_000;
		long started = System.nanoTime();
		String id = enqueued(size);
		double enqueueSeconds = (System.nanoTime() - started) / 1e9;
		finishAll(id, size);

		JsonNode batch = ApiClient.json(this.api.get("/v1/batches/" + id));
		HttpResponse<byte[]> results = this.api.get("/v1/batches/" + id + "/results");

		assertThat(batch.get("status").asString()).isEqualTo("COMPLETED");
		JsonNode counts = batch.get("counts");
		assertThat(counts.get("succeeded").asLong() + counts.get("failed").asLong() + counts.get("cancelled").asLong()
				+ counts.get("expired").asLong())
			.isEqualTo(size);
		assertThat(counts.get("queued").asLong() + counts.get("running").asLong()).isZero();
		assertThat(results.statusCode()).isEqualTo(200);
		assertThat(results.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith(NDJSON));
		String[] lines = new String(results.body(), StandardCharsets.UTF_8).split("\n");
		assertThat(lines).hasSize(size);
		Set<String> jobIds = new HashSet<>();
		for (int seq = 0; seq < size; seq++) {
			JsonNode line = ApiClient.json(lines[seq]);
			assertThat(line.get("customId").asString()).isEqualTo("item-" + seq);
			assertThat(jobIds.add(line.get("jobId").asString())).isTrue();
			switch (seq % 3) {
				case 0 -> assertThat(line.get("output").get("n").asInt()).isEqualTo(seq);
				case 1 -> assertThat(line.get("error").get("type").asString()).isEqualTo("ModelError");
				default -> assertThat(line.get("status").asString()).isEqualTo("CANCELLED");
			}
		}
		System.out.printf("Enqueued %d jobs in %.1f s: %.0f jobs/s%n", size, enqueueSeconds, size / enqueueSeconds);
	}

	@Test
	void delete_cancelsTheBatchOnce() {
		String id = enqueued(5);

		HttpResponse<byte[]> cancelled = this.api.delete("/v1/batches/" + id);
		HttpResponse<byte[]> again = this.api.delete("/v1/batches/" + id);

		assertThat(cancelled.statusCode()).isEqualTo(202);
		assertThat(ApiClient.json(cancelled).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.batches.find(new BatchId(id)).join().orElseThrow().isCancelled()).isTrue();
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(ApiClient.json(again).get("batchStatus").asString()).isEqualTo("CANCELLED");
		assertThat(this.api.delete("/v1/batches/" + BatchId.random()).statusCode()).isEqualTo(404);
		assertThat(this.api.get("/v1/batches/not!an!id").statusCode()).isEqualTo(404);
	}

	/**
	 * No worker runs here: the API that cancels a batch cancels its QUEUED jobs itself,
	 * so that its counts settle and it ends. One job was started before the cancel: it is
	 * left to its worker. Budget: about 5 s.
	 */
	@Test
	void delete_ofABatch_cancelsItsQueuedJobs_andLeavesTheRunningOne() {
		int size = 1000;
		String id = enqueued(size);
		Job first = this.jobs.find(new BatchId(id).jobId(0)).join().orElseThrow();
		this.jobs.update(first.start(Instant.now(), Duration.ofMinutes(5))).join();

		long started = System.nanoTime();
		assertThat(this.api.delete("/v1/batches/" + id).statusCode()).isEqualTo(202);
		Batch settled = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.batches.find(new BatchId(id)).join().orElseThrow(),
					(batch) -> batch.counts().cancelled() == size - 1);
		double seconds = (System.nanoTime() - started) / 1e9;

		assertThat(settled.status()).isEqualTo(BatchStatus.CANCELLED);
		assertThat(settled.counts().queued()).isZero();
		assertThat(settled.counts().running()).isEqualTo(1);
		System.out.printf("Cancelled %d queued jobs of a batch in %.1f s: %.0f jobs/s%n", size - 1, seconds,
				(size - 1) / seconds);
	}

	@Test
	void aBatchRetriedWithItsIdempotencyKey_isReplayed_andADifferentOneRefused() {
		String body = ndjson(0, 30);

		HttpResponse<byte[]> first = this.api.post("/v1/batches", NDJSON, body, "Idempotency-Key", "batch-key-1");
		HttpResponse<byte[]> retry = this.api.post("/v1/batches", NDJSON, body, "Idempotency-Key", "batch-key-1");
		HttpResponse<byte[]> other = this.api.post("/v1/batches", NDJSON, ndjson(0, 31), "Idempotency-Key",
				"batch-key-1");

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(retry.statusCode()).isEqualTo(202);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(ApiClient.json(retry).get("id")).isEqualTo(ApiClient.json(first).get("id"));
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(bulkMessageJobIds()).hasSize(30);
	}

	@Test
	void aBatchKeyWhoseFirstRequestIsStillEnqueueing_answers409_untilItsLeaseLapses() {
		String key = "batch-key-" + JobId.random();
		Instant now = Instant.now();
		Batch live = this.batches
			.create(Batch.start(BatchId.random(), Map.of(), now, Duration.ofHours(1), Duration.ofMinutes(1)))
			.join();
		this.keys
			.claim(new IdempotencyRecord(new IdempotencyKey(key).stored(TenantId.DEFAULT, "POST /v1/batches"),
					live.id().value(), null, now, now.plusSeconds(3600)), now)
			.join();

		HttpResponse<byte[]> inProgress = this.api.post("/v1/batches", NDJSON, ndjson(0, 2), "Idempotency-Key", key);

		assertThat(inProgress.statusCode()).isEqualTo(409);
		assertThat(inProgress.headers().firstValue("Retry-After")).isPresent();

		String lapsedKey = "batch-key-" + JobId.random();
		Batch abandoned = this.batches
			.create(Batch.start(BatchId.random(), Map.of(), now.minusSeconds(120), Duration.ofHours(1),
					Duration.ofMinutes(1)))
			.join();
		this.keys
			.claim(new IdempotencyRecord(new IdempotencyKey(lapsedKey).stored(TenantId.DEFAULT, "POST /v1/batches"),
					abandoned.id().value(), null, now.minusSeconds(120), now.plusSeconds(3600)), now)
			.join();

		HttpResponse<byte[]> restarted = this.api.post("/v1/batches", NDJSON, ndjson(0, 2), "Idempotency-Key",
				lapsedKey);

		assertThat(restarted.statusCode()).isEqualTo(202);
		assertThat(ApiClient.json(restarted).get("id").asString()).isNotEqualTo(abandoned.id().value());
		assertThat(this.batches.find(abandoned.id()).join().orElseThrow().status()).isEqualTo(BatchStatus.FAILED);
	}

	@Test
	void aJobRetriedWithItsIdempotencyKey_isReplayed_andADifferentOneRefused() {
		String key = "job-key-" + JobId.random();

		HttpResponse<byte[]> first = this.api.post("/v1/jobs", "application/json", "{\"input\": 1}", "Idempotency-Key",
				key);
		HttpResponse<byte[]> retry = this.api.post("/v1/jobs", "application/json", "{\"input\": 1}", "Idempotency-Key",
				key);
		HttpResponse<byte[]> other = this.api.post("/v1/jobs", "application/json", "{\"input\": 2}", "Idempotency-Key",
				key);
		HttpResponse<byte[]> badKey = this.api.post("/v1/jobs", "application/json", "{\"input\": 2}", "Idempotency-Key",
				"k".repeat(256));

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(retry.statusCode()).isEqualTo(202);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(ApiClient.json(retry).get("id")).isEqualTo(ApiClient.json(first).get("id"));
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(badKey.statusCode()).isEqualTo(400);
	}

	@Test
	void aRetryWithTheSameMeaning_isReplayed_whateverItsMediaTypeParametersOrCase() {
		String jobKey = "job-key-" + JobId.random();
		String batchKey = "batch-key-" + JobId.random();

		HttpResponse<byte[]> job = this.api.post("/v1/jobs", "application/json", "{\"input\": 1}", "Idempotency-Key",
				jobKey);
		HttpResponse<byte[]> jobRetry = this.api.post("/v1/jobs", "application/json; charset=utf-8", "{\"input\": 1}",
				"Idempotency-Key", jobKey);
		HttpResponse<byte[]> batch = this.api.post("/v1/batches", NDJSON, ndjson(0, 3), "Idempotency-Key", batchKey);
		HttpResponse<byte[]> batchRetry = this.api.post("/v1/batches", "Application/X-NDJSON;charset=UTF-8",
				ndjson(0, 3), "Idempotency-Key", batchKey);

		assertThat(jobRetry.statusCode()).isEqualTo(202);
		assertThat(jobRetry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(ApiClient.json(jobRetry).get("id")).isEqualTo(ApiClient.json(job).get("id"));
		assertThat(batchRetry.statusCode()).isEqualTo(202);
		assertThat(batchRetry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		String batchId = ApiClient.json(batch).get("id").asString();
		assertThat(ApiClient.json(batchRetry).get("id").asString()).isEqualTo(batchId);
		assertThat(bulkMessageJobIds()).filteredOn((id) -> id.startsWith(batchId + "-")).hasSize(3);
	}

	@Test
	void aJobKeyWhoseFirstRequestStoppedBeforeTheJob_createsTheJobOnRetry() {
		String key = "job-key-" + JobId.random();
		JobId recorded = JobId.random();
		String body = "{\"input\": 1}";
		Instant now = Instant.now();
		this.keys.claim(
				new IdempotencyRecord(new IdempotencyKey(key).stored(TenantId.DEFAULT, "POST /v1/jobs"),
						recorded.value(), io.inferq.api.idempotency.Fingerprint.of("POST", "/v1/jobs",
								"application/json", body.getBytes(StandardCharsets.UTF_8)),
						now, now.plusSeconds(3600)),
				now)
			.join();

		HttpResponse<byte[]> retry = this.api.post("/v1/jobs", "application/json", body, "Idempotency-Key", key);

		assertThat(retry.statusCode()).isEqualTo(202);
		assertThat(ApiClient.json(retry).get("id").asString()).isEqualTo(recorded.value());
		assertThat(this.jobs.find(recorded).join()).isPresent();
	}

	@Test
	void openApiDocumentsTheBatchEndpoints() {
		JsonNode paths = ApiClient.json(this.api.get("/v3/api-docs")).get("paths");

		assertThat(paths.has("/v1/batches")).isTrue();
		assertThat(paths.has("/v1/batches/{id}")).isTrue();
		assertThat(paths.has("/v1/batches/{id}/jobs")).isTrue();
		assertThat(paths.has("/v1/batches/{id}/results")).isTrue();
		assertThat(paths.get("/v1/batches").get("post").get("requestBody").get("content").has(NDJSON)).isTrue();
	}

	static String ndjson(int from, int to) {
		return IntStream.range(from, to)
			.mapToObj((n) -> "{\"customId\": \"item-" + n + "\", \"input\": {\"n\": " + n + "}}")
			.collect(Collectors.joining("\n"));
	}

	private String enqueued(int size) {
		HttpResponse<byte[]> response = this.api.post("/v1/batches", NDJSON, ndjson(0, size));
		assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(202);
		return ApiClient.json(response).get("id").asString();
	}

	/**
	 * Ends every job as a worker would, through the job store: a third succeed, a third
	 * fail, a third are cancelled, with bounded concurrency.
	 */
	private void finishAll(String id, int size) {
		Semaphore inFlight = new Semaphore(32);
		List<CompletableFuture<Job>> writes = new ArrayList<>();
		Instant now = Instant.now();
		for (int seq = 0; seq < size; seq++) {
			JobId jobId = new JobId(id + "-" + seq);
			int kind = seq % 3;
			int n = seq;
			inFlight.acquireUninterruptibly();
			CompletableFuture<Job> write = this.jobs.find(jobId).thenCompose((found) -> {
				Job job = found.orElseThrow();
				if (kind == 2) {
					return this.jobs.update(job.cancel(now));
				}
				return this.jobs.update(job.start(now, Duration.ofMinutes(5)))
					.thenCompose((running) -> this.jobs
						.update((kind == 0) ? running.succeed(Payload.json("{\"n\": " + n + "}"), now)
								: running.fail(new JobError("ModelError", "no"), now)));
			});
			write.whenComplete((job, failure) -> inFlight.release());
			writes.add(write);
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
	}

	private List<String> bulkMessageJobIds() {
		String url = bulkQueueUrl();
		List<String> ids = new ArrayList<>();
		while (true) {
			List<Message> messages = sqs
				.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
				.join()
				.messages();
			if (messages.isEmpty()) {
				return ids;
			}
			messages.forEach((message) -> ids.add(JobMessageCodec.decode(message.body()).jobId().value()));
		}
	}

	private static String bulkQueueUrl() {
		return sqs.getQueueUrl((request) -> request.queueName(BULK_QUEUE)).join().queueUrl();
	}

}
