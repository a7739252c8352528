package io.inferq.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointStats;
import org.awaitility.core.ConditionFactory;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker process whose DynamoDB or SQS goes away for a few seconds mid-run and comes
 * back: it stays up, resumes, and every job ends SUCCEEDED with its own result. The
 * outage is a {@link TcpProxy} between the worker and the stand-in, cut and restored, so
 * the stand-in keeps its data and the API (which talks to the stand-ins directly) keeps
 * answering the test's polls.
 */
class DependencyOutageTest {

	private static final Logger logger = LoggerFactory.getLogger(DependencyOutageTest.class);

	private static final int JOBS = 48;

	private static final int INSTANCES = 4;

	private static final Duration LATENCY = Duration.ofMillis(250);

	private static final Duration OUTAGE = Duration.ofSeconds(4);

	/**
	 * Messages a worker holds at most: in flight plus prefetched (which defaults to the
	 * in-flight limit). Only these can have been invoked when the outage struck.
	 */
	private static final int HELD = 2 * INSTANCES;

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	private TcpProxy proxy;

	/** Where the worker's output stays after the test, for a look at what it did. */
	private final Path logs = Path.of("target", "outage-logs");

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void dynamoDbOutage_shouldKeepTheWorkerUpAndFinishEveryJob() throws Exception {
		Run run = runThroughOutage("dynamodb", "spring.cloud.aws.dynamodb.endpoint", this.aws.dynamoDbEndpoint());

		// A job whose outcome could not be stored is run again once its lease ends; only
		// the jobs the worker held when DynamoDB went away can be among them.
		assertThat(run.duplicates()).isBetween(0L, (long) HELD);
	}

	@Test
	void sqsOutage_shouldKeepTheWorkerUpAndFinishEveryJob() throws Exception {
		Run run = runThroughOutage("sqs", "spring.cloud.aws.sqs.endpoint", this.aws.sqsEndpoint());

		// Outcomes are stored in DynamoDB, which stayed up: a message whose deletion
		// failed comes back and is dropped as a duplicate, never invoked again. Polling
		// resumes after the listener container's own backoff (Spring Cloud AWS: 1 s
		// doubling up to 10 s), hence seconds rather than milliseconds.
		assertThat(run.duplicates()).isZero();
	}

	/**
	 * Queues {@link #JOBS} numbered jobs, starts a worker process whose {@code property}
	 * points at a proxy in front of {@code target}, cuts the proxy for {@link #OUTAGE}
	 * once a few jobs have succeeded, and waits for every job to end.
	 */
	private Run runThroughOutage(String name, String property, URI target) throws Exception {
		String endpoint = Workloads.echoEndpoint(this.aws, "outage-" + name, INSTANCES, LATENCY);
		this.proxy = TcpProxy.start(target);
		Map<String, String> workerProperties = Workloads.shortLease();
		workerProperties.put(property, this.proxy.endpoint().toString());
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, INSTANCES, workerProperties);
		JobsClient client = this.system.client();
		List<String> ids = Workloads.submitNumbered(client, JOBS);

		Files.createDirectories(this.logs);
		Path log = this.logs.resolve(name + "-worker.log");
		Files.deleteIfExists(log);
		try (WorkerProcess worker = WorkerProcess.start(this.system.workerProperties(), log)) {
			ConditionFactory whileAlive = await().failFast("the worker exited; see " + log, () -> !worker.isAlive());
			whileAlive.atMost(Duration.ofSeconds(60))
				.until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 8);
			long invokedAtCut = this.aws.sageMaker().stats(endpoint).invocations();
			this.proxy.cut();
			await().during(OUTAGE).atMost(OUTAGE.plusSeconds(1)).until(worker::isAlive);
			List<String> queuedAtRestore = statuses(client, ids).entrySet()
				.stream()
				.filter((entry) -> entry.getValue().equals("QUEUED"))
				.map(Map.Entry::getKey)
				.toList();
			this.proxy.restore();
			long restored = System.nanoTime();

			// Resumed: a job still waiting when the service came back has been taken.
			whileAlive.atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> queuedAtRestore.isEmpty()
						|| statuses(client, queuedAtRestore).values().stream().anyMatch((s) -> !s.equals("QUEUED")));
			Duration toResume = Duration.ofNanos(System.nanoTime() - restored);
			List<JsonNode> finished = EndToEndTest.awaitTerminal(client, ids, Duration.ofSeconds(45));
			Duration toFinish = Duration.ofNanos(System.nanoTime() - restored);

			assertThat(worker.isAlive()).as("worker alive after the %s outage; see %s", name, log).isTrue();
			assertThat(finished).hasSize(JOBS);
			for (int n = 0; n < JOBS; n++) {
				JsonNode job = finished.get(n);
				assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
				assertThat(job.get("output").get("n").asInt()).as("each job holds its own result").isEqualTo(n);
			}
			EndpointStats stats = this.aws.sageMaker().stats(endpoint);
			int attempts = finished.stream().mapToInt((job) -> job.get("attempts").asInt()).sum();
			if (name.equals("dynamodb")) {
				// Cut mid-write, a stored attempt count can be off by the writes in
				// flight (seen once in CI: 49 invocations, 48 attempts).
				assertThat(attempts).as("attempts against invocations")
					.isCloseTo((int) stats.invocations(), Offset.offset(HELD));
			}
			else {
				assertThat(attempts).as("every invocation is an attempt of a job").isEqualTo((int) stats.invocations());
			}
			Run run = new Run(stats.invocations() - JOBS, toResume, toFinish);
			logger.info(
					"{} outage of {} s: {} jobs, cut after {} invocations, {} still queued at restore, 0 lost, "
							+ "{} invoked twice, resumed {} ms after restore, all done {} ms after restore, "
							+ "{} warnings in the worker log",
					name, OUTAGE.toSeconds(), JOBS, invokedAtCut, queuedAtRestore.size(), run.duplicates(),
					toResume.toMillis(), toFinish.toMillis(), warnings(log));
			return run;
		}
	}

	/** The status of each job, by ID, asked in parallel. */
	private static Map<String, String> statuses(JobsClient client, List<String> ids) {
		Map<String, CompletableFuture<JobsClient.Response>> responses = new HashMap<>();
		ids.forEach((id) -> responses.put(id, client.getAsync(id)));
		Map<String, String> statuses = new HashMap<>();
		responses.forEach((id, response) -> statuses.put(id, response.join().json().get("status").asString()));
		return statuses;
	}

	private static long warnings(Path log) throws IOException {
		try (var lines = Files.lines(log)) {
			return lines.filter((line) -> line.contains(" WARN ") || line.contains(" ERROR ")).count();
		}
	}

	/**
	 * What an outage cost.
	 *
	 * @param duplicates invocations beyond one per job
	 * @param toResume from the service's return until a job that waited was taken
	 * @param toFinish from the service's return until every job had ended
	 */
	private record Run(long duplicates, Duration toResume, Duration toFinish) {
	}

}
