package io.inferq.api;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.JobStore;
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

/**
 * The API as it runs, against the real stand-ins: DynamoDB Local and ElasticMQ, with a
 * table and queue of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
class JobApiIntegrationTests {

	private static final String TABLE = "api-it-jobs";

	private static final String QUEUE = "api-it-jobs";

	private static SqsAsyncClient sqs;

	@Autowired
	private JobStore store;

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
	}

	@Test
	void submit_storesTheJobAndQueuesItsId() {
		String input = "{\"inputs\": \"Hello\", \"parameters\": {\"temperature\": 0.70}}";

		HttpResponse<byte[]> response = this.api
			.submit("{\"input\": " + input + ", \"metadata\": {\"user\": \"\uD83D\uDE00\"}}");

		assertThat(response.statusCode()).isEqualTo(202);
		JobId id = new JobId(ApiClient.json(response).get("id").asString());
		assertThat(response.headers().firstValue("Location")).hasValue("/v1/jobs/" + id);
		assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
		Job stored = this.store.find(id).join().orElseThrow();
		assertThat(stored.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(stored.input()).isEqualTo(Payload.json(input));
		assertThat(stored.metadata()).containsEntry("user", "\uD83D\uDE00");
		assertThat(receivedMessages()).contains(JobMessage.of(id));
	}

	@Test
	void get_answersTheJobWhileQueued() {
		String id = submittedJobId();

		HttpResponse<byte[]> response = this.api.get("/v1/jobs/" + id);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		JsonNode job = ApiClient.json(response);
		assertThat(job.get("id").asString()).isEqualTo(id);
		assertThat(job.get("status").asString()).isEqualTo("QUEUED");
		assertThat(job.get("attempts").asInt()).isZero();
	}

	@Test
	void resultAndGet_answerTheOutputOnceTheJobSucceeded() {
		JobId id = new JobId(submittedJobId());
		Job queued = this.store.find(id).join().orElseThrow();
		Instant now = Instant.now();
		Job running = this.store.update(queued.start(now, Duration.ofMinutes(1))).join();
		this.store.update(running.succeed(Payload.json("{\"generated_text\": \"Hi\"}"), now)).join();

		HttpResponse<byte[]> result = this.api.get("/v1/jobs/" + id + "/result");
		JsonNode job = ApiClient.json(this.api.get("/v1/jobs/" + id));

		assertThat(result.statusCode()).isEqualTo(200);
		assertThat(result.headers().firstValue("Content-Type")).hasValue("application/json");
		assertThat(new String(result.body())).isEqualTo("{\"generated_text\": \"Hi\"}");
		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.get("output").get("generated_text").asString()).isEqualTo("Hi");
	}

	@Test
	void result_answers409WhileTheJobIsQueued() {
		HttpResponse<byte[]> response = this.api.get("/v1/jobs/" + submittedJobId() + "/result");

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
	}

	@Test
	void cancel_cancelsTheStoredJobOnce() {
		String id = submittedJobId();

		HttpResponse<byte[]> cancelled = this.api.delete("/v1/jobs/" + id);
		HttpResponse<byte[]> again = this.api.delete("/v1/jobs/" + id);

		assertThat(cancelled.statusCode()).isEqualTo(200);
		assertThat(ApiClient.json(cancelled).get("status").asString()).isEqualTo("CANCELLED");
		assertThat(this.store.find(new JobId(id)).join().orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(ApiClient.json(again).get("jobStatus").asString()).isEqualTo("CANCELLED");
	}

	@Test
	void unknownAndMalformedIds_are404Problems() {
		for (String path : List.of("/v1/jobs/" + JobId.random(), "/v1/jobs/not!an!id!", "/v1/jobs/%2e%2e%2f%2e%2e",
				"/v1/jobs/job%000123456789")) {
			HttpResponse<byte[]> response = this.api.get(path);

			assertThat(response.statusCode()).as(path).isIn(400, 404);
			assertThat(response.headers().firstValue("Content-Type").orElseThrow()).as(path)
				.startsWith("application/problem+json");
		}
	}

	@Test
	void requestsRefusedOutsideSpringMvc_areProblemsToo() {
		HttpResponse<byte[]> encodedSlash = this.api.get("/v1/jobs/a%2Fb");
		HttpResponse<byte[]> badForm = this.api.send(HttpRequest.newBuilder(this.api.url("/v1/jobs"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.method("PATCH", BodyPublishers.ofString("a=%zz")));
		HttpResponse<byte[]> errorPath = this.api.get("/error");

		assertThat(encodedSlash.statusCode()).isEqualTo(400);
		assertThat(badForm.statusCode()).isEqualTo(405);
		assertThat(errorPath.statusCode()).isEqualTo(404);
		for (HttpResponse<byte[]> response : List.of(encodedSlash, badForm, errorPath)) {
			assertThat(response.headers().firstValue("Content-Type").orElseThrow())
				.startsWith("application/problem+json");
			assertThat(ApiClient.json(response).get("status").asInt()).isEqualTo(response.statusCode());
		}
	}

	@Test
	void aBodyDeclaredTooLarge_isRefusedBeforeItIsRead() {
		HttpResponse<byte[]> response = this.api.send(HttpRequest.newBuilder(this.api.url("/v1/jobs"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])));

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void openApiDocumentsTheJobEndpoints() {
		HttpResponse<byte[]> docs = this.api.get("/v3/api-docs");

		assertThat(docs.statusCode()).isEqualTo(200);
		JsonNode paths = ApiClient.json(docs).get("paths");
		assertThat(paths.has("/v1/jobs")).isTrue();
		assertThat(paths.has("/v1/jobs/{id}")).isTrue();
		assertThat(paths.has("/v1/jobs/{id}/result")).isTrue();
		JsonNode submit = paths.get("/v1/jobs").get("post");
		assertThat(submit.get("parameters").valueStream().map((parameter) -> parameter.get("name").asString()))
			.containsExactly("Idempotency-Key");
		assertThat(submit.get("requestBody").get("content").has("application/json")).isTrue();
		assertThat(this.api.get("/swagger-ui/index.html").statusCode()).isEqualTo(200);
	}

	@Test
	void healthProbesAndMetricsAreOnTheSamePort() {
		assertThat(this.api.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		assertThat(this.api.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		submittedJobId();
		assertThat(this.api.get("/actuator/metrics/inferq.jobs.submitted").statusCode()).isEqualTo(200);
	}

	private String submittedJobId() {
		HttpResponse<byte[]> response = this.api.submit("{\"input\": {\"inputs\": \"Hello\"}}");
		assertThat(response.statusCode()).isEqualTo(202);
		return ApiClient.json(response).get("id").asString();
	}

	private List<JobMessage> receivedMessages() {
		String queueUrl = sqs.getQueueUrl((request) -> request.queueName(QUEUE)).join().queueUrl();
		return sqs.receiveMessage((request) -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
			.thenApply(
					(response) -> response.messages().stream().map(Message::body).map(JobMessageCodec::decode).toList())
			.join();
	}

}
