package io.inferq.api;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.JobId;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import static io.inferq.api.BatchApiIntegrationTests.NDJSON;
import static io.inferq.api.BatchApiIntegrationTests.ndjson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.reset;

/**
 * Batches the API refuses, with at most 10 items per batch and 3 per chunk so that a
 * refusal comes after some chunks were stored, whatever refuses them (a bad item, too
 * many items, a client that goes away, DynamoDB failing): each is a problem, its batch
 * (if one was started) is FAILED with the reason and holds no jobs, nothing reaches the
 * bulk queue, and its idempotency key is free for the next request.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true",
				"inferq.api.batches.max-items=10", "inferq.api.batches.chunk-size=3",
				"inferq.api.batches.max-json-body-size=2KB" })
class BadBatchIntegrationTests {

	private static final String TABLE = "api-it-bad-batches";

	private static final String BULK_QUEUE = TABLE + "-bulk";

	private static SqsAsyncClient sqs;

	private static DynamoDbAsyncClient dynamoDb;

	@Autowired
	private BatchStore batches;

	@MockitoSpyBean
	private JobStore jobs;

	@LocalServerPort
	private int port;

	private ApiClient api;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeAll
	static void clients() {
		sqs = LocalAwsResources.sqs();
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
	}

	@AfterAll
	static void closeClients() {
		sqs.close();
		dynamoDb.close();
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	@Test
	void anEmptyBatch_is400() {
		assertRefused(this.api.post("/v1/batches", NDJSON, "\n \n"), 400, null);
		assertRefused(this.api.post("/v1/batches", "application/json", "{\"items\": []}"), 400, null);
	}

	@Test
	void aDuplicateCustomId_is400NamingItsLine() {
		String body = ndjson(0, 5) + "\n{\"customId\": \"item-2\", \"input\": 1}\n";

		JsonNode problem = assertRefused(this.api.post("/v1/batches", NDJSON, body), 400, 6);

		assertThat(problem.get("detail").asString()).contains("customId");
		assertFailed(problem);
	}

	@Test
	void aMalformedLine_is400NamingItsLine() {
		String body = ndjson(0, 7) + "\n{\"customId\": \"x\", \"input\": }\n";

		assertFailed(assertRefused(this.api.post("/v1/batches", NDJSON, body), 400, 8));
	}

	@Test
	void anItemWithoutCustomIdOrInput_is400() {
		assertRefused(this.api.post("/v1/batches", NDJSON, "{\"input\": 1}"), 400, 1);
		assertRefused(this.api.post("/v1/batches", NDJSON, "{\"customId\": \"a\"}"), 400, 1);
		assertRefused(
				this.api.post("/v1/batches", "application/json",
						"{\"items\": [{\"customId\": \"a\", \"input\": 1},\n {\"customId\": \"b\", \"nope\": 1}]}"),
				400, 2);
	}

	@Test
	void tooManyItems_is413() {
		assertFailed(assertRefused(this.api.post("/v1/batches", NDJSON, ndjson(0, 11)), 413, null));
	}

	@Test
	void aJsonBodyAboveItsLimit_is413() {
		assertRefused(this.api.post("/v1/batches", "application/json", "{\"items\": [" + "1,".repeat(2000) + "1]}"),
				413, null);
	}

	@Test
	void anotherContentType_is415() {
		HttpResponse<byte[]> response = this.api.post("/v1/batches", "text/plain", ndjson(0, 2));

		assertThat(response.statusCode()).isEqualTo(415);
		assertThat(queuedMessages()).isZero();
	}

	@Test
	void aRefusedBatch_freesItsIdempotencyKey() {
		String key = "bad-batch-" + BatchId.random();
		String bad = ndjson(0, 7) + "\n{\"customId\": \"x\", \"input\": }\n";

		JsonNode problem = assertRefused(this.api.post("/v1/batches", NDJSON, bad, "Idempotency-Key", key), 400, 8);
		assertFailed(problem);
		HttpResponse<byte[]> good = this.api.post("/v1/batches", NDJSON, ndjson(0, 7), "Idempotency-Key", key);

		purgeBulkQueue();
		assertThat(good.statusCode()).isEqualTo(202);
		assertThat(good.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(ApiClient.json(good).get("id").asString()).isNotEqualTo(problem.get("batchId").asString());
	}

	@Test
	void aClientThatGoesAwayMidBatch_leavesNothing_andFreesTheKey() throws Exception {
		String key = "gone-batch-" + BatchId.random();
		byte[] started = ("POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + NDJSON
				+ "\r\nIdempotency-Key: " + key + "\r\nContent-Length: 100000\r\n\r\n" + ndjson(0, 7) + "\n")
			.getBytes(StandardCharsets.UTF_8);

		List<BatchId> before = failedBatches("ClientDisconnected");
		RawHttp.sendAndDisconnect(this.port, started);

		List<BatchId> gone = failedBatches("ClientDisconnected");
		for (long deadline = System.nanoTime() + 10_000_000_000L; gone.size() == before.size()
				&& System.nanoTime() < deadline;) {
			Thread.sleep(100);
			gone = failedBatches("ClientDisconnected");
		}
		assertThat(gone).hasSize(before.size() + 1);
		BatchId refused = gone.stream().filter((id) -> !before.contains(id)).findFirst().orElseThrow();
		// The refusal fails the batch, then deletes its jobs, then frees the key; nobody
		// waits for it.
		HttpResponse<byte[]> retry = this.api.post("/v1/batches", NDJSON, ndjson(0, 2), "Idempotency-Key", key);
		for (long deadline = System.nanoTime() + 10_000_000_000L; retry.statusCode() == 409
				&& System.nanoTime() < deadline;) {
			Thread.sleep(100);
			retry = this.api.post("/v1/batches", NDJSON, ndjson(0, 2), "Idempotency-Key", key);
		}
		purgeBulkQueue();
		assertThat(retry.statusCode()).as("a new request with the key").isEqualTo(202);
		assertNothingLeft(refused);
	}

	@Test
	void aBatchDynamoDbFailsMidway_is503_leavesNothing_andFreesTheKey() {
		String key = "failing-batch-" + BatchId.random();
		AtomicInteger chunks = new AtomicInteger();
		willAnswer((call) -> (chunks.incrementAndGet() <= 2) ? call.callRealMethod()
				: Futures.failed(SdkClientException.create("Unable to execute HTTP request: Connection refused")))
			.given(this.jobs)
			.createAll(any());

		HttpResponse<byte[]> refused = this.api.post("/v1/batches", NDJSON, ndjson(0, 9), "Idempotency-Key", key);

		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		JsonNode problem = ApiClient.json(refused);
		assertThat(problem.get("detail").asString()).doesNotContain("Exception", "Connection refused");
		BatchId id = new BatchId(problem.get("batchId").asString());
		assertThat(this.batches.find(id).join().orElseThrow().failure().type()).isEqualTo("Unavailable");
		assertNothingLeft(id);
		assertThat(chunks).as("chunks the ingest tried to store").hasValue(3);

		reset(this.jobs);
		HttpResponse<byte[]> retry = this.api.post("/v1/batches", NDJSON, ndjson(0, 9), "Idempotency-Key", key);
		purgeBulkQueue();
		assertThat(retry.statusCode()).isEqualTo(202);
	}

	private JsonNode assertRefused(HttpResponse<byte[]> response, int status, Integer line) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = ApiClient.json(response);
		if (line != null) {
			assertThat(problem.get("line").asInt()).isEqualTo(line);
			assertThat(problem.get("detail").asString()).startsWith("Line " + line + ": ");
		}
		assertThat(queuedMessages()).isZero();
		return problem;
	}

	private void assertFailed(JsonNode problem) {
		BatchId id = new BatchId(problem.get("batchId").asString());
		assertThat(this.batches.find(id).join()).get()
			.satisfies((batch) -> assertThat(batch.failure().message()).isEqualTo(problem.get("detail").asString()));
		assertNothingLeft(id);
	}

	/**
	 * The batch is FAILED, and of the jobs its ingest stored none is left, in the store
	 * or to the API.
	 */
	private void assertNothingLeft(BatchId id) {
		assertThat(this.batches.find(id).join()).get().satisfies((batch) -> {
			assertThat(batch.status()).isEqualTo(BatchStatus.FAILED);
			assertThat(batch.total()).isZero();
			assertThat(batch.counts()).isEqualTo(BatchCounts.NONE);
		});
		List<JobId> ids = LongStream.range(0, 20).mapToObj(id::jobId).toList();
		assertThat(this.jobs.findAll(ids).join()).as("jobs of the refused batch").isEmpty();
		assertThat(ApiClient.json(this.api.get("/v1/batches/" + id + "/jobs")).get("jobs")).isEmpty();
		assertThat(this.api.get("/v1/jobs/" + id.jobId(0)).statusCode()).isEqualTo(404);
		assertThat(queuedMessages()).isZero();
	}

	/** The batches of this class's table that FAILED for {@code type}. */
	private static List<BatchId> failedBatches(String type) {
		return dynamoDb
			.scan((request) -> request.tableName(TABLE)
				.filterExpression("failureType = :type")
				.expressionAttributeValues(Map.of(":type", AttributeValue.fromS(type))))
			.join()
			.items()
			.stream()
			.map((item) -> new BatchId(item.get(JobTable.KEY).s().substring(JobTable.BATCH_KEY_PREFIX.length())))
			.toList();
	}

	/** Forgets the messages of batches a test had accepted. */
	private static void purgeBulkQueue() {
		String url = sqs.getQueueUrl((request) -> request.queueName(BULK_QUEUE)).join().queueUrl();
		sqs.purgeQueue((request) -> request.queueUrl(url)).join();
	}

	private static long queuedMessages() {
		String url = sqs.getQueueUrl((request) -> request.queueName(BULK_QUEUE)).join().queueUrl();
		return List.of("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
			.stream()
			.mapToLong((name) -> Long
				.parseLong(sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNamesWithStrings(name))
					.join()
					.attributesAsStrings()
					.get(name)))
			.sum();
	}

}
