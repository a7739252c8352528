package io.inferq.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator's SNS topics end to end, on the SNS stand-in with one ElasticMQ queue
 * subscribed to both: 20 jobs that succeed, 6 that fail (a model error), a batch of 5,
 * one job cancelled through the API, and 3 jobs whose outcome was stored as a worker
 * stores it, through the same job store (the outbox mark in the outcome's write), by a
 * worker that then died before relaying anything: nothing but the sweeper can publish
 * those. Every job's event and the batch's arrive at least once, on the topic of their
 * outcome, with their attributes and without the tenant's data. The worker runs in this
 * JVM: a worker process halted by {@code halt-after-outcomes}, as
 * {@link WebhooksEndToEndTest} does, would add a JVM start (20 s on a loaded CI machine)
 * to reach the same state. Budget: 30 s, the API's and the worker's start included.
 */
class SnsTopicsEndToEndTest {

	private static final int SUCCEEDING = 20;

	private static final int FAILING = 6;

	private static final int ORPHANED = 3;

	private static final int BATCH_ITEMS = 5;

	private final LocalAws aws = LocalAws.shared();

	private SnsAsyncClient sns;

	private SqsAsyncClient sqs;

	private LocalSystem system;

	@BeforeEach
	void connect() {
		this.sns = this.aws.configure(SnsAsyncClient.builder(), this.aws.snsEndpoint()).build();
		this.sqs = this.aws.configure(SqsAsyncClient.builder(), this.aws.sqsEndpoint()).build();
	}

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
		this.sns.close();
		this.sqs.close();
	}

	@Test
	void everyEndedJobAndTheBatch_arePublishedOnTheirOutcomesTopic_evenWhenTheWorkerDiedAfterItsOutcomeWrite() {
		String successTopic = topic("success");
		String errorTopic = topic("errors");
		String queueUrl = this.sqs.createQueue((request) -> request.queueName("sns-e2e-" + UUID.randomUUID()))
			.join()
			.queueUrl();
		for (String topic : List.of(successTopic, errorTopic)) {
			this.sns.subscribe((request) -> request.topicArn(topic).protocol("sqs").endpoint(queueArn(queueUrl)))
				.join();
		}
		String endpoint = Workloads.endpoint(this.aws, "sns", 4, Duration.ofMillis(20));
		Map<String, String> shared = new HashMap<>(this.aws.springProperties());
		shared.put("inferq.notifications.sns.success-topic-arn", successTopic);
		shared.put("inferq.notifications.sns.error-topic-arn", errorTopic);
		Map<String, String> worker = new HashMap<>(Workloads.shortLease());
		worker.put("inferq.worker.webhooks.initial-backoff", "1s");
		worker.put("inferq.worker.webhooks.max-backoff", "1s");
		worker.put("inferq.worker.webhooks.sweep-interval", "1s");
		worker.put("inferq.worker.webhooks.sweep-after", "2s");
		this.system = LocalSystem.startApi(shared, endpoint, 4, worker);
		JobsClient client = this.system.client();

		String cancelled = client.submit("{\"input\": {\"n\": -1}}");
		assertThat(client.cancel(cancelled).status()).isBetween(200, 299);
		List<String> succeeding = submit(client, SUCCEEDING,
				"{\"input\": {\"n\": %d}, \"metadata\": {\"private\": \"x\"}}");
		List<String> failing = submit(client, FAILING,
				"{\"input\": {\"n\": %d, \"_emulator\": {\"error\": \"ModelError\", \"originalStatusCode\": 400,"
						+ " \"message\": \"secret model text\"}}}");
		String batchId = client
			.submitBatch(IntStream.range(0, BATCH_ITEMS)
				.mapToObj((n) -> "{\"customId\": \"b" + n + "\", \"input\": {\"n\": " + n + "}}")
				.collect(Collectors.joining("\n")))
			.json()
			.get("id")
			.asString();

		List<String> orphaned = storeOutcomesAsADyingWorkerWould(client);
		this.system.startWorker();

		Map<String, JsonNode> received = new ConcurrentHashMap<>();
		Map<String, String> expected = new HashMap<>();
		succeeding.forEach((id) -> expected.put("evt_job_" + id, successTopic));
		failing.forEach((id) -> expected.put("evt_job_" + id, errorTopic));
		expected.put("evt_job_" + cancelled, errorTopic);
		orphaned.forEach((id) -> expected.put("evt_job_" + id, successTopic));
		expected.put("evt_batch_" + batchId, successTopic);
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ZERO)
			.until(() -> receive(queueUrl, received).keySet().containsAll(expected.keySet())
					&& received.size() >= expected.size() + BATCH_ITEMS);

		expected.forEach((eventId, topic) -> assertThat(received.get(eventId).path("TopicArn").asString())
			.as("the topic of " + eventId)
			.isEqualTo(topic));
		JsonNode failed = received.get("evt_job_" + failing.get(0));
		JsonNode attributes = failed.path("MessageAttributes");
		assertThat(attributes.path("type").path("Value").asString()).isEqualTo("job.failed");
		assertThat(attributes.path("tenant").path("Value").asString()).isEqualTo("default");
		assertThat(attributes.path("jobId").path("Value").asString()).isEqualTo(failing.get(0));
		String body = failed.path("Message").asString();
		assertThat(body).contains("\"status\":\"FAILED\"", "\"tenant\":\"default\"")
			.doesNotContain("secret model text");
		assertThat(received.get("evt_job_" + succeeding.get(0)).path("Message").asString()).doesNotContain("private");
		assertThat(received.get("evt_job_" + cancelled).path("Message").asString()).contains("job.cancelled");
		JsonNode batch = JobsClient.mapper().readTree(received.get("evt_batch_" + batchId).path("Message").asString());
		assertThat(batch.path("type").asString()).isEqualTo("batch.completed");
		assertThat(batch.path("data").path("counts").path("succeeded").asInt()).isEqualTo(BATCH_ITEMS);
		assertThat(received).as("this test's events: the batch's jobs' too").hasSize(expected.size() + BATCH_ITEMS);
	}

	/**
	 * Submits jobs and stores their success through the job store both apps share, as a
	 * worker does before it relays (the mark is in that write), and relays nothing.
	 */
	private List<String> storeOutcomesAsADyingWorkerWould(JobsClient client) {
		JobStore store = this.system.apiBean(JobStore.class);
		List<String> ids = submit(client, ORPHANED, "{\"input\": {\"orphan\": %d}}");
		for (String id : ids) {
			Job queued = store.find(new JobId(id)).join().orElseThrow();
			Job running = store.update(queued.start(Instant.now(), Duration.ofSeconds(30))).join();
			store.update(running.succeed(Payload.json("{}"), Instant.now())).join();
		}
		return ids;
	}

	private static List<String> submit(JobsClient client, int count, String template) {
		return IntStream.range(0, count)
			.mapToObj((n) -> client.submitAsync(String.format(template, n)))
			.toList()
			.stream()
			.map((response) -> response.join().json().get("id").asString())
			.toList();
	}

	/**
	 * Reads what arrived, by the envelope's {@code eventId} attribute, and deletes it.
	 */
	private Map<String, JsonNode> receive(String queueUrl, Map<String, JsonNode> received) {
		List<Message> messages = this.sqs
			.receiveMessage((request) -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
			.join()
			.messages();
		for (Message message : messages) {
			JsonNode envelope = JobsClient.mapper().readTree(message.body());
			received.put(envelope.path("MessageAttributes").path("eventId").path("Value").asString(), envelope);
			this.sqs.deleteMessage((request) -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()))
				.join();
		}
		return received;
	}

	private String topic(String name) {
		return this.sns.createTopic((request) -> request.name("e2e-" + name + "-" + UUID.randomUUID()))
			.join()
			.topicArn();
	}

	private String queueArn(String queueUrl) {
		return this.sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
			.join()
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
	}

}
