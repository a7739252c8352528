package io.inferq.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.inferq.infra.localstack.LocalStackAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.job.JobId;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQS fair queues, on LocalStack, which implements them (ElasticMQ takes
 * {@code MessageGroupId} on a standard queue but delivers in arrival order): with one
 * tenant's backlog in flight at a consumer, a quiet tenant's messages, sent after the
 * whole backlog, are delivered ahead of the rest of it, because core's
 * {@link SqsJobQueue} sends every job with its tenant as the message group. Skipped where
 * Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class FairQueueLocalStackTest {

	private static final int BACKLOG = 60;

	private static final int QUIET = 5;

	private static LocalStackAws aws;

	@BeforeAll
	static void start() {
		aws = LocalStackAws.start(EndpointSpec.builder("sagemaker-endpoint-test").instances(1).build());
	}

	@AfterAll
	static void stop() {
		if (aws != null) {
			aws.close();
		}
	}

	@Test
	void aQuietTenantsJobs_overtakeABusyTenantsBacklog_onceThatIsInFlight() {
		try (SqsAsyncClient sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build()) {
			String url = JobQueues.createIfAbsent(sqs, "fair-jobs", "fair-jobs-dlq").join();
			SqsJobQueue queue = new SqsJobQueue(sqs, "fair-jobs");
			TenantId busy = new TenantId("busy");
			TenantId quiet = new TenantId("quiet");
			queue.sendAll(IntStream.range(0, BACKLOG).mapToObj((i) -> JobMessage.of(JobId.random(), busy)).toList())
				.join();
			queue.sendAll(IntStream.range(0, QUIET).mapToObj((i) -> JobMessage.of(JobId.random(), quiet)).toList())
				.join();

			// A consumer holds the first ten (the busy tenant's, all sent first) ...
			List<TenantId> first = receive(sqs, url, 10);
			// ... and takes the next twenty: in arrival order, all the busy tenant's.
			List<TenantId> next = new ArrayList<>(receive(sqs, url, 10));
			next.addAll(receive(sqs, url, 10));

			assertThat(first).containsOnly(busy);
			assertThat(next).as("the quiet tenant's jobs, sent after %d of the busy one's", BACKLOG)
				.containsSubsequence(quiet, quiet, quiet, quiet, quiet);
		}
	}

	private static List<TenantId> receive(SqsAsyncClient sqs, String url, int count) {
		List<TenantId> tenants = new ArrayList<>();
		while (tenants.size() < count) {
			List<Message> messages = sqs
				.receiveMessage((request) -> request.queueUrl(url)
					.maxNumberOfMessages(count - tenants.size())
					.visibilityTimeout(300)
					.waitTimeSeconds(1))
				.join()
				.messages();
			messages.forEach((message) -> tenants.add(JobMessageCodec.decode(message.body()).tenant()));
		}
		return tenants;
	}

}
