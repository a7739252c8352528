package io.inferq.api;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.BatchId;
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
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API as it runs, against the real stand-ins: DynamoDB Local and ElasticMQ, with a
 * table and queue of its own.
 */
class JobApiIntegrationTests extends AnonymousApiContext {

	private static final String QUEUE = "api-it-jobs";

	private static SqsAsyncClient sqs;

	@Autowired
	private JobStore store;

	@LocalServerPort
	private int port;

	private ApiClient api;

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
		assertThat(receivedMessages()).contains(JobMessage.of(stored));
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

	/**
	 * What a browser gets for outputs a model could fill with active content: served from
	 * the API's origin, they must never run there, nor be sniffed into something that
	 * does; the active types are downloaded, not shown.
	 */
	@Test
	void result_ofActiveContent_isServedSoThatNoBrowserRunsIt() {
		String script = "<script>fetch('/v1/jobs').then(r => document.title = r.status)</script>";
		for (String type : List.of("text/html;charset=utf-8", "image/svg+xml", "application/xml",
				"application/xhtml+xml", "text/javascript", "application/pdf", "text/xml", "multipart/x-mixed-replace",
				"application/octet-stream", "image/png", "text/plain", "application/json")) {
			String id = succeededJob(new Payload(script.getBytes(StandardCharsets.UTF_8), type));

			HttpResponse<byte[]> result = this.api.get("/v1/jobs/" + id + "/result");

			assertThat(result.statusCode()).as(type).isEqualTo(200);
			assertThat(result.headers().firstValue("Content-Type")).as(type).hasValue(type);
			assertThat(result.headers().allValues("X-Content-Type-Options")).as(type).containsExactly("nosniff");
			assertThat(result.headers().allValues("Content-Security-Policy")).as(type)
				.singleElement()
				.satisfies((policy) -> assertThat(policy.split("; ")).contains("sandbox", "default-src 'none'",
						"frame-ancestors 'none'"));
			boolean inert = List.of("application/octet-stream", "image/png", "text/plain", "application/json")
				.contains(type);
			assertThat(result.headers().firstValue("Content-Disposition")).as(type)
				.isEqualTo(inert ? Optional.empty() : Optional.of("attachment"));
		}
	}

	@Test
	void everyAnswer_carriesTheSecurityHeaders_andSwaggerUiItsOwnPolicy() {
		for (HttpResponse<byte[]> response : List.of(this.api.submit("{\"input\": 1}"),
				this.api.get("/v1/jobs/" + JobId.random()), this.api.get("/v1/jobs/a%2Fb"),
				this.api.get("/actuator/health"), this.api.get("/v3/api-docs"), this.api.get("/nothing"))) {
			String request = response.request().method() + " " + response.uri();
			assertThat(response.headers().firstValue("X-Content-Type-Options")).as(request).hasValue("nosniff");
			assertThat(response.headers().firstValue("X-Frame-Options")).as(request).hasValue("DENY");
			assertThat(response.headers().firstValue("Referrer-Policy")).as(request).hasValue("no-referrer");
			assertThat(response.headers().firstValue("Cache-Control")).as(request).hasValue("no-store");
			assertThat(response.headers().firstValue("Content-Security-Policy")).as(request)
				.hasValueSatisfying((policy) -> assertThat(policy).contains("frame-ancestors 'none'", "sandbox"));
		}
		HttpResponse<byte[]> swaggerUi = this.api.get("/swagger-ui/index.html");
		assertThat(swaggerUi.statusCode()).isEqualTo(200);
		assertThat(swaggerUi.headers().firstValue("Content-Security-Policy"))
			.hasValueSatisfying((policy) -> assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'")
				.doesNotContain("sandbox"));
		assertThat(swaggerUi.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
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
	void queryStringsAndHeadersSpringOrTomcatRefuse_are400ProblemsInTheClientsTerms() {
		String jobs = "/v1/batches/" + BatchId.random() + "/jobs";
		Map<String, String> details = Map.of(jobs + "?limit=%ff",
				"The query string cannot be read: parameters must be percent-encoded UTF-8 (such as %C3%A9, not %E9), "
						+ "and not too many of them",
				jobs + "?status=%C0%AF",
				"The query string cannot be read: parameters must be percent-encoded UTF-8 "
						+ "(such as %C3%A9, not %E9), and not too many of them",
				jobs + "?limit=a&limit=b", "'limit' must be a whole number, given once", jobs + "?limit=1e3",
				"'limit' must be a whole number, given once");
		details.forEach((path, detail) -> {
			HttpResponse<byte[]> response = this.api.get(path);

			assertThat(response.statusCode()).as(path).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
			assertThat(ApiClient.json(response).get("detail").asString()).as(path).isEqualTo(detail);
		});
		HttpResponse<byte[]> badType = this.api.post("/v1/jobs", "application/json; x=\"", "{\"input\": 1}");
		assertThat(badType.statusCode()).isEqualTo(415);
		assertThat(ApiClient.json(badType).get("detail").asString())
			.isEqualTo("The Content-Type header cannot be read; send application/json");
	}

	@Test
	void aBodyDeclaredTooLarge_isRefusedBeforeItIsRead() {
		HttpResponse<byte[]> response = this.api.send(HttpRequest.newBuilder(this.api.url("/v1/jobs"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofByteArray(new byte[10 * 1024 * 1024])));

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
			.as("the header and the raw submit's options, not the options' map")
			.containsExactly("Idempotency-Key", "raw", "accept", "timeToStart", "callbackUrl");
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

	private String succeededJob(Payload output) {
		JobId id = new JobId(submittedJobId());
		Job queued = this.store.find(id).join().orElseThrow();
		Instant now = Instant.now();
		Job running = this.store.update(queued.start(now, Duration.ofMinutes(1))).join();
		this.store.update(running.succeed(output, now)).join();
		return id.value();
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
