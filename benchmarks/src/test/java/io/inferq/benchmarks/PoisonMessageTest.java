package io.inferq.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages the worker can never process, sent straight to the jobs queue as a batch
 * system that writes to it would: they end in the dead-letter queue after the queue's
 * {@code maxReceiveCount} (10) receives, while the worker keeps running good jobs, and
 * they can be moved back with {@code StartMessageMoveTask}, which ElasticMQ supports.
 * <p>
 * The worker makes a message it cannot decode visible again after 1 s, so the ten
 * receives take about 10 s; the queues keep their real redrive policy.
 */
class PoisonMessageTest {

	private static final Logger logger = LoggerFactory.getLogger(PoisonMessageTest.class);

	private static final String NOT_JSON = "this is not a job message {";

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	private SqsAsyncClient sqs;

	private String queueUrl;

	private String deadLetterQueueUrl;

	@BeforeEach
	void start() {
		EndpointSpec endpoint = EndpointSpec.builder("poison-" + System.nanoTime())
			.instances(2)
			.latency(Duration.ofMillis(100))
			.build();
		this.aws.sageMaker().define(endpoint);
		this.system = LocalSystem.start(this.aws.springProperties(), endpoint.name(), 2, Map.of());
		this.sqs = this.aws.configure(SqsAsyncClient.builder(), this.aws.sqsEndpoint()).build();
		Map<String, String> properties = this.system.workerProperties();
		this.queueUrl = queueUrl(properties.get("inferq.aws.queue-name"));
		this.deadLetterQueueUrl = queueUrl(properties.get("inferq.aws.dead-letter-queue-name"));
	}

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
		if (this.sqs != null) {
			this.sqs.close();
		}
	}

	@Test
	void poisonMessages_shouldEndInTheDeadLetterQueueWhileGoodJobsRun() {
		String malformedInput = malformedInputMessage(newJobId());
		long sent = System.nanoTime();
		send(NOT_JSON);
		send(malformedInput);

		// Good jobs while the poison messages go round: all done before the poison
		// reaches the dead-letter queue.
		JobsClient client = this.system.client();
		List<String> good = EndToEndTest.submit(client, 20, "{\"input\":{\"n\":1}}");
		List<JsonNode> finished = EndToEndTest.awaitTerminal(client, good, Duration.ofSeconds(15));
		assertThat(finished).allSatisfy((job) -> assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED"));
		assertThat(approximateMessages(this.deadLetterQueueUrl)).isZero();

		await().atMost(Duration.ofSeconds(45))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> approximateMessages(this.deadLetterQueueUrl) == 2);
		Duration toDeadLetterQueue = Duration.ofNanos(System.nanoTime() - sent);
		List<Message> deadLetters = peek(this.deadLetterQueueUrl);
		assertThat(deadLetters).extracting(Message::body).containsExactlyInAnyOrder(NOT_JSON, malformedInput);
		await().atMost(Duration.ofSeconds(5)).until(() -> approximateMessages(this.queueUrl) == 0);
		logger.info(
				"Poison messages: 2 in the dead-letter queue {} ms after they were sent (receive counts {}), "
						+ "20 good jobs meanwhile all SUCCEEDED",
				toDeadLetterQueue.toMillis(),
				deadLetters.stream()
					.map((message) -> message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
					.toList());

		// The README's redrive: back to the queue they came from, once the cause is
		// fixed.
		this.system.stopWorker();
		this.sqs.startMessageMoveTask((request) -> request.sourceArn(queueArn(this.deadLetterQueueUrl))).join();
		await().atMost(Duration.ofSeconds(10)).until(() -> approximateMessages(this.deadLetterQueueUrl) == 0);
		// The move task's own account: ElasticMQ keeps a moved message's receive count,
		// so
		// the next receive of a message that still cannot be read sends it straight back.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					this.sqs.listMessageMoveTasks((request) -> request.sourceArn(queueArn(this.deadLetterQueueUrl)))
						.join()
						.results())
				.singleElement()
				.satisfies((task) -> {
					assertThat(task.status()).isEqualTo("COMPLETED");
					assertThat(task.approximateNumberOfMessagesMoved()).isEqualTo(2);
				}));
	}

	@Test
	void malformedInputWithJobId_shouldFailItsJob() {
		String jobId = newJobId();
		send(malformedInputMessage(jobId));

		JsonNode job = EndToEndTest.awaitTerminal(this.system.client(), List.of(jobId), Duration.ofSeconds(45)).get(0);

		assertThat(job.get("status").asString()).isEqualTo("FAILED");
	}

	/**
	 * A message of a job the store does not know yet, as a batch system sends it, with
	 * input that is not base64.
	 */
	private static String malformedInputMessage(String jobId) {
		return "{\"jobId\":\"" + jobId + "\",\"inputBase64\":\"%%% not base64 %%%\",\"contentType\":\"image/png\"}";
	}

	private static String newJobId() {
		return "poison-" + System.nanoTime();
	}

	private void send(String body) {
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body)).join();
	}

	private String queueUrl(String name) {
		return this.sqs.getQueueUrl((request) -> request.queueName(name)).join().queueUrl();
	}

	private int approximateMessages(String url) {
		Map<QueueAttributeName, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.join()
			.attributes();
		return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
				+ Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	/** The queue's messages, left visible. */
	private List<Message> peek(String url) {
		return this.sqs
			.receiveMessage((request) -> request.queueUrl(url)
				.maxNumberOfMessages(10)
				.visibilityTimeout(0)
				.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
			.join()
			.messages();
	}

	private String queueArn(String url) {
		return this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
			.join()
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
	}

}
