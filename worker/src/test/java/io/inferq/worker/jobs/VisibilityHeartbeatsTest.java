package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Batched heartbeats against the stand-ins' SQS (ElasticMQ) with a real SDK client: held
 * messages stay invisible past the visibility they were received with, released ones come
 * back. About 6 s.
 */
class VisibilityHeartbeatsTest {

	private static SqsAsyncClient sqs;

	private static ScheduledExecutorService timers;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
		timers = Executors.newSingleThreadScheduledExecutor();
	}

	@AfterAll
	static void disconnect() {
		timers.shutdownNow();
		sqs.close();
	}

	@Test
	void heldMessages_shouldStayInvisible_andReleasedOnesComeBack() throws InterruptedException {
		String url = sqs.createQueue((request) -> request.queueName("inferq-heartbeats-" + UUID.randomUUID()))
			.join()
			.queueUrl();
		// More than one batch of 10, so that a tick sends several requests.
		List<SendMessageBatchRequestEntry> entries = IntStream.range(0, 10)
			.mapToObj((i) -> SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("job " + i).build())
			.toList();
		sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries)).join();
		sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries)).join();
		List<Message> received = receiveAll(url, 20, 2);
		assertThat(received).hasSize(20);

		try (VisibilityHeartbeats heartbeats = new VisibilityHeartbeats(sqs, Duration.ofSeconds(3),
				Duration.ofMillis(500), timers)) {
			List<VisibilityHeartbeats.Held> held = received.stream()
				.map((message) -> heartbeats.hold(url, message.receiptHandle()))
				.toList();
			held.get(0).release();
			assertThat(heartbeats.held()).isEqualTo(19);
			// Past the 2 s they were received with: only the released one is back (on a
			// loaded machine a heartbeat sent just before its release may have kept it
			// for one more lease: it is looked for a little longer, while the held ones
			// must stay away all along).
			Thread.sleep(3_500);
			List<Message> back = new java.util.concurrent.CopyOnWriteArrayList<>();
			await().atMost(Duration.ofSeconds(4))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> back.addAll(receiveAll(url, 20, 30)) || !back.isEmpty());
			assertThat(back).extracting(Message::body).containsExactly(received.get(0).body());
			held.forEach(VisibilityHeartbeats.Held::release);
			assertThat(heartbeats.held()).isZero();
		}
	}

	private static List<Message> receiveAll(String url, int most, int visibilitySeconds) {
		List<Message> all = new java.util.ArrayList<>();
		for (int i = 0; i < 5 && all.size() < most; i++) {
			all.addAll(sqs
				.receiveMessage((request) -> request.queueUrl(url)
					.maxNumberOfMessages(10)
					.visibilityTimeout(visibilitySeconds)
					.waitTimeSeconds(0))
				.join()
				.messages());
		}
		return all;
	}

}
