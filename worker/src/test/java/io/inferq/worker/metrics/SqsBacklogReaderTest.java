package io.inferq.worker.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The SQS backlog reader and the figure the publisher computes from it, against the
 * stand-ins' SQS (ElasticMQ) with a real SDK client; the CloudWatch side is an in-memory
 * writer.
 */
class SqsBacklogReaderTest {

	private static SqsAsyncClient sqs;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
	}

	@AfterAll
	static void disconnect() {
		sqs.close();
	}

	@Test
	void waitingMessages_shouldSumTheQueues() {
		String interactive = createQueue();
		String bulk = createQueue();
		send(interactive, 3);
		send(bulk, 25);

		long waiting = new SqsBacklogReader(sqs, List.of(interactive, bulk)).waitingMessages().join();

		assertThat(waiting).isEqualTo(28);
	}

	@Test
	void waitingMessages_shouldNotCountMessagesAWorkerHolds() {
		String queue = createQueue();
		send(queue, 10);
		String url = url(queue);
		sqs.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(4).visibilityTimeout(60)).join();

		long waiting = new SqsBacklogReader(sqs, List.of(queue)).waitingMessages().join();

		assertThat(waiting).isEqualTo(6);
	}

	@Test
	void waitingMessages_shouldFailForAMissingQueueAndLookItUpAgainLater() {
		String queue = "inferq-backlog-" + UUID.randomUUID();
		SqsBacklogReader reader = new SqsBacklogReader(sqs, List.of(queue));

		assertThat(reader.waitingMessages()).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.withRootCauseInstanceOf(QueueDoesNotExistException.class);

		sqs.createQueue((request) -> request.queueName(queue)).join();
		send(queue, 2);
		assertThat(reader.waitingMessages().join()).isEqualTo(2);
	}

	@Test
	void publish_shouldWriteTheQueuesBacklogPerEndpointInstance() {
		String interactive = createQueue();
		String bulk = createQueue();
		send(interactive, 2);
		send(bulk, 40);
		InMemoryBacklogMetricWriter metric = new InMemoryBacklogMetricWriter();
		BacklogMetricPublisher publisher = new BacklogMetricPublisher(
				new SqsBacklogReader(sqs, List.of(interactive, bulk)), () -> 4, metric, Clock.systemUTC(),
				Duration.ofSeconds(10));

		publisher.publish().join();

		assertThat(metric.samples).singleElement().satisfies((sample) -> {
			assertThat(sample.waitingMessages()).isEqualTo(42);
			assertThat(sample.instances()).isEqualTo(4);
			assertThat(sample.perInstance()).isCloseTo(10.5, within(1e-9));
		});
	}

	/** A queue of this test's own, so that no other test's messages count. */
	private static String createQueue() {
		String name = "inferq-backlog-" + UUID.randomUUID();
		sqs.createQueue((request) -> request.queueName(name)).join();
		return name;
	}

	private static String url(String queue) {
		return sqs.getQueueUrl((request) -> request.queueName(queue)).join().queueUrl();
	}

	private static void send(String queue, int messages) {
		String url = url(queue);
		for (int first = 0; first < messages; first += 10) {
			List<SendMessageBatchRequestEntry> entries = IntStream.range(first, Math.min(first + 10, messages))
				.mapToObj((i) -> SendMessageBatchRequestEntry.builder()
					.id(Integer.toString(i))
					.messageBody("{\"jobId\":\"job-" + i + "\"}")
					.build())
				.toList();
			sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries)).join();
		}
	}

}
