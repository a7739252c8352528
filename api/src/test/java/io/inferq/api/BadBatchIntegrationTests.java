package io.inferq.api;

import java.net.http.HttpResponse;
import java.util.List;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.store.BatchStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.inferq.api.BatchApiIntegrationTests.NDJSON;
import static io.inferq.api.BatchApiIntegrationTests.ndjson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batches the API refuses, with at most 10 items per batch and 3 per chunk so that a
 * refusal comes after some chunks were stored: each is a 4xx problem, its batch (if one
 * was started) is FAILED with the reason, and nothing reaches the bulk queue.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true",
				"inferq.api.batches.max-items=10", "inferq.api.batches.chunk-size=3",
				"inferq.api.batches.max-json-body-size=2KB" })
class BadBatchIntegrationTests {

	private static final String BULK_QUEUE = "api-it-bad-batches-bulk";

	private static SqsAsyncClient sqs;

	@Autowired
	private BatchStore batches;

	@LocalServerPort
	private int port;

	private ApiClient api;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-bad-batches");
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
		assertThat(this.batches.find(id).join()).get().satisfies((batch) -> {
			assertThat(batch.status()).isEqualTo(BatchStatus.FAILED);
			assertThat(batch.failure().message()).isEqualTo(problem.get("detail").asString());
		});
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
