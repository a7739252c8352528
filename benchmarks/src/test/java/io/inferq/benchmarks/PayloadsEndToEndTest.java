package io.inferq.benchmarks;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.inferq.infra.JobResources;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * Real model payloads through the whole system: a 5 MB JPEG, 5 MB of random bytes and a 5
 * MB JSON document go in every way there is (inline JSON, base64, the raw body, an
 * {@code inputLocation} in S3, and a message sent straight to SQS), reach the emulator,
 * which echoes them, and come back byte for byte from {@code GET /v1/jobs/{id}/result}.
 * Inputs above 6 MB are refused with 413 and leave nothing behind; a direct message whose
 * input is too large or gone ends FAILED at once, never invoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PayloadsEndToEndTest {

	private static final int FIVE_MB = 5 * 1024 * 1024;

	private static final int SEVEN_MB = 7 * 1024 * 1024;

	private static final byte[] JPEG = Payloads.jpeg(FIVE_MB, 1);

	private static final byte[] RANDOM = Payloads.random(FIVE_MB, 2);

	private static final String JSON = Payloads.jsonDocument(FIVE_MB);

	private static final String CLIENTS = "clients/";

	private final LocalAws aws = LocalAws.shared();

	private final HttpClient http = HttpClient.newHttpClient();

	private LocalSystem system;

	private S3AsyncClient s3;

	private SqsAsyncClient sqs;

	private String endpoint;

	@BeforeAll
	void start() {
		this.endpoint = Workloads.define(this.aws,
				EndpointSpec.builder("payloads-" + System.nanoTime())
					.instances(4)
					.latency(Duration.ofMillis(10))
					.echo(true));
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		properties.put("inferq.aws.payloads.input-locations", "s3://" + PayloadBucket.DEFAULT_NAME + "/" + CLIENTS);
		this.system = LocalSystem.start(properties, this.endpoint, 4, Map.of());
		this.s3 = JobResources.s3(this.aws).build();
		this.sqs = this.aws.configure(SqsAsyncClient.builder(), this.aws.sqsEndpoint()).build();
		put(CLIENTS + "cat.jpg", JPEG);
		put(CLIENTS + "random.bin", RANDOM);
		put(CLIENTS + "document.json", Payloads.utf8(JSON));
		put(CLIENTS + "seven.bin", Payloads.random(SEVEN_MB, 3));
	}

	@AfterAll
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
		this.s3.close();
		this.sqs.close();
	}

	Stream<Arguments> inputs() {
		return Stream.of(argumentSet("a 5 MB JPEG", JPEG, "image/jpeg", "cat.jpg"),
				argumentSet("5 MB of random bytes", RANDOM, "application/octet-stream", "random.bin"),
				argumentSet("a 5 MB JSON document", Payloads.utf8(JSON), "application/json", "document.json"));
	}

	@ParameterizedTest
	@MethodSource("inputs")
	void eachWayIn_shouldComeBackByteExact(byte[] input, String contentType, String object) {
		String base64 = "{\"inputBase64\":\"" + Base64.getEncoder().encodeToString(input) + "\",\"contentType\":\""
				+ contentType + "\"}";
		String located = "{\"inputLocation\":\"s3://" + PayloadBucket.DEFAULT_NAME + "/" + CLIENTS + object
				+ "\",\"contentType\":\"" + contentType + "\"}";
		String raw = contentType.equals("application/json") ? "/v1/jobs?raw" : "/v1/jobs";

		List<String> jobs = List.of(submit("/v1/jobs", "application/json", Payloads.utf8(base64)),
				submit(raw, contentType, input), submit("/v1/jobs", "application/json", Payloads.utf8(located)));

		for (String id : jobs) {
			assertResult(id, input, contentType);
		}
	}

	@Test
	void inlineJson_shouldComeBackByteExact() {
		String id = submit("/v1/jobs", "application/json", Payloads.utf8("{\"input\": " + JSON + "}"));

		assertResult(id, Payloads.utf8(JSON), "application/json");
	}

	@Test
	void aSevenMegabyteInput_shouldBe413AndLeaveNothingBehind() {
		long objects = objectsUnder(PayloadBucket.DEFAULT_PREFIX);
		Set<String> records = records();
		byte[] seven = Payloads.random(SEVEN_MB, 4);

		List<HttpResponse<String>> answers = List.of(post("/v1/jobs", "application/octet-stream", seven),
				post("/v1/jobs", "application/json",
						Payloads.utf8("{\"inputBase64\":\"" + Base64.getEncoder().encodeToString(seven)
								+ "\",\"contentType\":\"application/octet-stream\"}")),
				post("/v1/jobs", "application/json", Payloads.utf8("{\"input\":\"" + "x".repeat(SEVEN_MB) + "\"}")),
				post("/v1/jobs", "application/json", Payloads.utf8("{\"inputLocation\":\"s3://"
						+ PayloadBucket.DEFAULT_NAME + "/" + CLIENTS + "seven.bin\",\"contentType\":\"x/y\"}")));

		assertThat(answers).allSatisfy((answer) -> {
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
			assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(answer.body()).contains("\"status\":413").contains("6291456 bytes at most");
		});
		assertThat(objectsUnder(PayloadBucket.DEFAULT_PREFIX)).isEqualTo(objects);
		assertThat(records()).as("no record left behind").containsExactlyInAnyOrderElementsOf(records);
	}

	@ParameterizedTest
	@MethodSource("inputs")
	void straightToSqs_shouldArriveByteExact(byte[] input, String contentType, String object) {
		String id = "direct-" + object.replace('.', '-') + "-" + System.nanoTime();

		sendDirect("{\"jobId\":\"" + id + "\",\"inputLocation\":\"s3://" + PayloadBucket.DEFAULT_NAME + "/" + CLIENTS
				+ object + "\",\"contentType\":\"" + contentType + "\"}");

		assertResult(id, input, contentType);
	}

	@Test
	void straightToSqs_shouldKeepJsonInputExactlyAsSent() {
		String input = "{\"price\":1.10,\"big\":12345678901234567890.123456789,\"tiny\":1e-400,"
				+ "\"text\":\"\\u00e9\u2028\",\"deep\":[[[ 1 , 2.50E+3 ]]]}";
		String large = "[" + "1.10, ".repeat(100_000) + "1e-400]";
		String id = "exact-" + System.nanoTime();
		String largeId = "exact-large-" + System.nanoTime();

		sendDirect("{\"jobId\":\"" + id + "\",\"input\":" + input + "}");
		sendDirect("{\"jobId\":\"" + largeId + "\",\"input\":" + large + "}");

		assertResult(id, Payloads.utf8(input), "application/json");
		assertResult(largeId, Payloads.utf8(large), "application/json");
	}

	@Test
	void straightToSqs_anInputTooLargeOrGone_shouldFailAtOnceWithoutInvoking() {
		long invocations = this.aws.sageMaker().stats(this.endpoint).invocations();
		String tooLarge = "direct-seven-" + System.nanoTime();
		String gone = "direct-gone-" + System.nanoTime();
		String refused = "direct-refused-" + System.nanoTime();

		long sent = System.nanoTime();
		sendDirect("{\"jobId\":\"" + tooLarge + "\",\"inputLocation\":\"s3://" + PayloadBucket.DEFAULT_NAME + "/"
				+ CLIENTS + "seven.bin\",\"contentType\":\"application/octet-stream\"}");
		sendDirect("{\"jobId\":\"" + gone + "\",\"inputLocation\":\"s3://" + PayloadBucket.DEFAULT_NAME + "/" + CLIENTS
				+ "nothing-here.jpg\",\"contentType\":\"image/jpeg\"}");
		sendDirect("{\"jobId\":\"" + refused + "\",\"inputLocation\":\"s3://" + PayloadBucket.DEFAULT_NAME + "/"
				+ PayloadBucket.DEFAULT_PREFIX + "someone-elses\",\"contentType\":\"image/jpeg\"}");

		Map<String, String> reasons = Map.of(tooLarge, "InputTooLarge", gone, "InputNotFound", refused,
				"InputLocationRefused");
		reasons.forEach((id, reason) -> {
			JsonNode job = await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> this.system.client().getAsync(id).join(),
						(answer) -> answer.status() == 200 && answer.json().get("status").asString().equals("FAILED"))
				.json();
			assertThat(job.get("error").get("type").asString()).isEqualTo(reason);
			assertThat(job.get("attempts").asInt()).isEqualTo(1);
		});
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
		await().atMost(Duration.ofSeconds(5)).until(() -> messagesInQueue() == 0);
		assertThat(this.aws.sageMaker().stats(this.endpoint).invocations()).isEqualTo(invocations);
	}

	private void assertResult(String id, byte[] input, String contentType) {
		JobsClient client = this.system.client();
		JsonNode job = await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> client.getAsync(id).join(),
					(answer) -> answer.status() == 200 && answer.json().get("status").asString().equals("SUCCEEDED"))
			.json();
		HttpResponse<byte[]> result = send(
				HttpRequest.newBuilder(this.system.apiUrl().resolve("/v1/jobs/" + id + "/result")).GET(),
				HttpResponse.BodyHandlers.ofByteArray());

		assertThat(job.get("outputContentType").asString()).isEqualTo(contentType);
		if (input.length > 256 * 1024) {
			assertThat(job.get("outputUrl").asString()).isEqualTo("/v1/jobs/" + id + "/result");
			assertThat(job.get("outputSize").asLong()).isEqualTo(input.length);
			assertThat(job.has("output") || job.has("outputBase64")).isFalse();
		}
		assertThat(result.statusCode()).isEqualTo(200);
		assertThat(result.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith(contentType));
		assertThat(result.headers().firstValueAsLong("Content-Length")).hasValue(input.length);
		assertThat(result.body()).as("job %s's result", id).isEqualTo(input);
	}

	private String submit(String path, String contentType, byte[] body) {
		HttpResponse<String> answer = post(path, contentType, body);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
		return JobsClient.mapper().readTree(answer.body()).get("id").asString();
	}

	private HttpResponse<String> post(String path, String contentType, byte[] body) {
		return send(HttpRequest.newBuilder(this.system.apiUrl().resolve(path))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
	}

	private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
		try {
			return this.http.send(request.header("Authorization", "Bearer " + this.system.apiKey())
				.timeout(Duration.ofSeconds(60))
				.build(), body);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void put(String key, byte[] bytes) {
		this.s3
			.putObject((request) -> request.bucket(PayloadBucket.DEFAULT_NAME).key(key),
					AsyncRequestBody.fromBytes(bytes))
			.join();
	}

	private long objectsUnder(String prefix) {
		AtomicLong count = new AtomicLong();
		this.s3.listObjectsV2Paginator((request) -> request.bucket(PayloadBucket.DEFAULT_NAME).prefix(prefix))
			.contents()
			.subscribe((S3Object object) -> count.incrementAndGet())
			.join();
		return count.get();
	}

	/**
	 * The keys of the table's items but the endpoint's per-minute stats, which the worker
	 * writes on its own every 15 s and which start a new item each minute.
	 */
	private Set<String> records() {
		try (DynamoDbAsyncClient dynamoDb = this.aws
			.configure(DynamoDbAsyncClient.builder(), this.aws.dynamoDbEndpoint())
			.build()) {
			Set<String> keys = ConcurrentHashMap.newKeySet();
			dynamoDb
				.scanPaginator(
						(request) -> request.tableName(this.system.workerProperties().get("inferq.aws.table-name"))
							.projectionExpression("#key")
							.expressionAttributeNames(Map.of("#key", JobTable.KEY)))
				.items()
				.subscribe((item) -> keys.add(item.get(JobTable.KEY).s()))
				.join();
			keys.removeIf((key) -> key.startsWith(JobTable.STATS_KEY_PREFIX));
			return keys;
		}
	}

	private void sendDirect(String body) {
		this.sqs.sendMessage((request) -> request.queueUrl(queueUrl()).messageBody(body)).join();
	}

	private int messagesInQueue() {
		Map<String, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl())
				.attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
			.join()
			.attributesAsStrings();
		return Integer.parseInt(attributes.get("ApproximateNumberOfMessages"))
				+ Integer.parseInt(attributes.get("ApproximateNumberOfMessagesNotVisible"));
	}

	private String queueUrl() {
		String name = this.system.workerProperties().get("inferq.aws.bulk-queue-name");
		return this.sqs.getQueueUrl((request) -> request.queueName(name)).join().queueUrl();
	}

}
