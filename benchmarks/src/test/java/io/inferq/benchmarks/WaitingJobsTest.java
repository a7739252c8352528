package io.inferq.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import io.inferq.worker.concurrency.Budget;
import io.inferq.worker.concurrency.dynamodb.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs that wait for an instance: their lease never lapses while they wait, and a job
 * cancelled or past its deadline meanwhile is never invoked; an endpoint that serves
 * fewer than it describes brings the cluster-wide limit down to what it serves, without
 * using up any job's attempts.
 */
class WaitingJobsTest {

	private static final Logger logger = LoggerFactory.getLogger(WaitingJobsTest.class);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	private final Path logs = Path.of("target", "waiting-logs");

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	/**
	 * The fault as a user met it: a 6 s model on 2 instances, lease 21 s, invocation
	 * timeout 10 s, 8 jobs across both lanes. Jobs waited behind others longer than the
	 * lease, and ran twice or ended in the dead-letter queue.
	 */
	@Test
	void jobsWaitingLongerThanTheLease_shouldRunOnce_andACancelledOrExpiredOneNever() throws Exception {
		EndpointSpec spec = ClusterTest.endpoint("slow-model")
			.instances(2)
			.latency(Duration.ofSeconds(6))
			.modelTimeout(Duration.ofSeconds(10))
			.echo(true)
			.build();
		this.aws.sageMaker().define(spec);
		String endpoint = spec.name();
		Map<String, String> properties = new HashMap<>();
		properties.put("inferq.worker.lease", "21s");
		properties.put("inferq.worker.invocation-timeout", "10s");
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 2, properties);
		JobsClient client = this.system.client();
		List<String> ids = new ArrayList<>(Workloads.submitNumbered(client, 4));
		JobsClient.Response batch = client
			.submitBatch("{\"customId\":\"a\",\"input\":{\"n\":4}}\n{\"customId\":\"b\",\"input\":{\"n\":5}}\n"
					+ "{\"customId\":\"c\",\"input\":{\"n\":6}}\n{\"customId\":\"d\",\"input\":{\"n\":7}}\n");
		assertThat(batch.status()).as(batch.body()).isEqualTo(202);
		String batchId = batch.json().get("id").asString();
		for (int n = 0; n < 4; n++) {
			ids.add(batchId + "-" + n);
		}
		String expiring = client.submit("{\"input\":{\"n\":\"expiring\"},\"timeToStart\":\"PT4S\"}");
		String cancelled = client.submit("{\"input\":{\"n\":\"cancelled\"}}");

		try (WorkerProcess worker = WorkerProcess.start(this.system.workerProperties(), log("slow-model"))) {
			await().atMost(Duration.ofSeconds(30)).until(() -> this.aws.sageMaker().stats(endpoint).inFlight() == 2);
			assertThat(client.get(cancelled).get("status").asString()).isEqualTo("QUEUED");
			assertThat(client.cancel(cancelled).status()).isEqualTo(200);
			List<JsonNode> finished = EndToEndTest.awaitTerminal(client, ids, Duration.ofSeconds(90));
			JsonNode expired = EndToEndTest.awaitTerminal(client, List.of(expiring), Duration.ofSeconds(30)).get(0);

			EndpointStats stats = this.aws.sageMaker().stats(endpoint);
			int dead = deadLetters();
			logger.info(
					"8 jobs of 6 s on 2 instances, lease 21 s: {} invocations, {} in the dead-letter queue; "
							+ "the expiring job {}, the cancelled one {}",
					stats.invocations(), dead, expired.get("status").asString(),
					client.get(cancelled).get("status").asString());
			assertThat(finished).allSatisfy((job) -> {
				assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
				assertThat(job.get("attempts").asInt()).isEqualTo(1);
			});
			assertThat(stats.invocations()).isEqualTo(8);
			assertThat(dead).isZero();
			assertThat(expired.get("status").asString()).isEqualTo("EXPIRED");
			assertThat(client.get(cancelled).get("status").asString()).isEqualTo("CANCELLED");
		}
	}

	/**
	 * An endpoint that describes 8 instances but serves 4 and throttles the rest: the
	 * cluster-wide limit comes down near 4 and stays there, with few throttles, and no
	 * job loses an attempt to them.
	 */
	@Test
	void anEndpointServingFewerThanItDescribes_shouldBringTheLimitNearWhatItServes() throws Exception {
		EndpointSpec spec = ClusterTest.endpoint("serves-four")
			.instances(8)
			.servedInstances(4)
			.rejectWhenBusy(true)
			.latency(Duration.ofMillis(300))
			.echo(true)
			.build();
		this.aws.sageMaker().define(spec);
		String endpoint = spec.name();
		Map<String, String> properties = new HashMap<>();
		properties.put("inferq.worker.concurrency.mode", "endpoint");
		properties.put("inferq.worker.concurrency.increase-interval", "3s");
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 8, properties);
		JobsClient client = this.system.client();
		List<String> ids = Workloads.submitNumbered(client, 300);
		List<Integer> limits = new CopyOnWriteArrayList<>();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		try (DynamoDbAsyncClient dynamoDb = this.aws
			.configure(DynamoDbAsyncClient.builder(), this.aws.dynamoDbEndpoint())
			.build()) {
			DynamoDbBudgetStore budgets = new DynamoDbBudgetStore(dynamoDb,
					this.system.workerProperties().get("inferq.aws.table-name"));
			this.system.startWorker();
			sampler.scheduleAtFixedRate(() -> budgets.find(DynamoDbBudgetStore.key(endpoint, "all"))
				.join()
				.map(Budget::limit)
				.filter((limit) -> limit > 0)
				.ifPresent(limits::add), 0, 100, TimeUnit.MILLISECONDS);
			List<JsonNode> finished = EndToEndTest.awaitTerminal(client, ids, Duration.ofSeconds(120));
			sampler.shutdownNow();

			EndpointStats stats = this.aws.sageMaker().stats(endpoint);
			List<Integer> secondHalf = limits.subList(limits.size() / 2, limits.size());
			double settled = secondHalf.stream().mapToInt(Integer::intValue).average().orElse(0);
			logger.info(
					"Describes 8, serves 4: {} throttles for {} jobs; limit over the second half {} (mean), "
							+ "at most {} outstanding",
					stats.rejections(), ids.size(), settled, stats.maxOutstanding());
			assertThat(finished).allSatisfy((job) -> {
				assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
				assertThat(job.get("attempts").asInt()).as("throttles use no attempt").isEqualTo(1);
			});
			assertThat(settled).isBetween(3.0, 5.5);
			assertThat(stats.rejections()).isLessThanOrEqualTo(ids.size() / 10);
		}
		finally {
			sampler.shutdownNow();
		}
	}

	private int deadLetters() throws Exception {
		try (SqsAsyncClient sqs = this.aws.configure(SqsAsyncClient.builder(), this.aws.sqsEndpoint()).build()) {
			String url = sqs
				.getQueueUrl((request) -> request
					.queueName(this.system.workerProperties().get("inferq.aws.dead-letter-queue-name")))
				.join()
				.queueUrl();
			Map<QueueAttributeName, String> attributes = sqs
				.getQueueAttributes((request) -> request.queueUrl(url)
					.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
							QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
				.join()
				.attributes();
			return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
					+ Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
		}
	}

	private Path log(String name) throws Exception {
		java.nio.file.Files.createDirectories(this.logs);
		Path log = this.logs.resolve(name + "-worker.log");
		java.nio.file.Files.deleteIfExists(log);
		return log;
	}

}
