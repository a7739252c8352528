package io.inferq.api;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.inferq.batch.BatchId;
import io.inferq.job.JobId;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API with SQS up and DynamoDB down (its endpoint is a closed port).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
class StoreDownIntegrationTests {

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAwsWithoutDynamoDb(DynamicPropertyRegistry registry) {
		DownDependencies.register(registry, "spring.cloud.aws.dynamodb.endpoint");
	}

	@Test
	void everyJobEndpoint_answers503WithRetryAfter() {
		ApiClient api = new ApiClient(this.port);
		String job = "/v1/jobs/" + JobId.random();

		// In parallel: each takes the DynamoDB client's retries to fail.
		List<CompletableFuture<HttpResponse<byte[]>>> responses = Stream
			.<Supplier<HttpResponse<byte[]>>>of(() -> api.submit("{\"input\": 1}"), () -> api.get(job),
					() -> api.get(job + "/result"), () -> api.delete(job))
			.map(CompletableFuture::supplyAsync)
			.toList();

		for (HttpResponse<byte[]> response : responses.stream().map(CompletableFuture::join).toList()) {
			assertThat(response.statusCode()).as(response.request().method() + " " + response.uri()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
			assertThat(ApiClient.json(response).get("detail").asString())
				.isEqualTo("The job store is unavailable; try again later");
		}
	}

	@Test
	void everyBatchEndpoint_answers503WithRetryAfter() {
		ApiClient api = new ApiClient(this.port);
		String batch = "/v1/batches/" + BatchId.random();

		List<CompletableFuture<HttpResponse<byte[]>>> responses = Stream
			.<Supplier<HttpResponse<byte[]>>>of(
					() -> api.post("/v1/batches", "application/x-ndjson", "{\"customId\": \"a\", \"input\": 1}"),
					() -> api.get(batch), () -> api.get(batch + "/jobs"), () -> api.get(batch + "/results"),
					() -> api.delete(batch))
			.map(CompletableFuture::supplyAsync)
			.toList();

		for (HttpResponse<byte[]> response : responses.stream().map(CompletableFuture::join).toList()) {
			assertThat(response.statusCode()).as(response.request().method() + " " + response.uri()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
		}
	}

}
