package io.inferq.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several worker processes sharing one endpoint through the cluster-wide budget: never
 * more requests outstanding at the endpoint than it serves, whatever happens to a worker
 * (killed, paused, cut off from DynamoDB), and every instance busy while jobs wait. What
 * counts is what the emulator saw, sampled every 20 ms.
 */
class ClusterTest {

	private static final Logger logger = LoggerFactory.getLogger(ClusterTest.class);

	private static final Duration SAMPLING = Duration.ofMillis(20);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	private WorkerCluster cluster;

	private OutstandingSampler sampler;

	private TcpProxy proxy;

	private final Path logs = Path.of("target", "cluster-logs");

	@AfterEach
	void stop() throws Exception {
		if (this.sampler != null) {
			this.sampler.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		if (this.system != null) {
			this.system.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void threeWorkers_shouldKeepTheEndpointFull_andNeverOverIt() throws Exception {
		String endpoint = define(
				endpoint("cluster-full").instances(4).latency(Duration.ofMillis(300)).rejectWhenBusy(true).echo(true));
		List<String> ids = queue(endpoint, 4, Map.of(), 600);

		startCluster("full", 3, Map.of());
		List<JsonNode> finished = EndToEndTest.awaitTerminal(this.system.client(), ids, Duration.ofSeconds(120));

		EndpointStats stats = this.aws.sageMaker().stats(endpoint);
		logger.info(
				"3 workers, 600 jobs on 4 x 300 ms: {} invocations, {} throttles, at most {} outstanding, "
						+ "instances busy {} while jobs waited",
				stats.invocations(), stats.rejections(), stats.maxOutstanding(), stats.utilisationWhileStarting());
		assertThat(finished).allSatisfy((job) -> {
			assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
			assertThat(job.get("attempts").asInt()).isEqualTo(1);
		});
		assertThat(stats.invocations()).isEqualTo(600);
		assertThat(stats.rejections()).isZero();
		assertThat(stats.maxOutstanding()).isLessThanOrEqualTo(4);
		assertThat(stats.utilisationWhileStarting()).isGreaterThanOrEqualTo(0.85);
	}

	@Test
	void aKilledWorker_shouldLoseNoJob_andItsShareReturnToTheOthers_afterLeasePlusInvocationTimeout() throws Exception {
		String endpoint = define(endpoint("cluster-kill").instances(4)
			.latency(Duration.ofMillis(400))
			.modelTimeout(Duration.ofSeconds(5))
			.keepRunningAfterDisconnect(true)
			.echo(true));
		Map<String, String> failFast = failFast("5s", "5s");
		List<String> ids = queue(endpoint, 4, failFast, 300);
		startCluster("kill", 3, failFast);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 20);

		try (DynamoDbAsyncClient dynamoDb = this.aws
			.configure(DynamoDbAsyncClient.builder(), this.aws.dynamoDbEndpoint())
			.build()) {
			DynamoDbBudgetStore budgets = new DynamoDbBudgetStore(dynamoDb,
					this.system.workerProperties().get("inferq.aws.table-name"));
			String key = DynamoDbBudgetStore.key(endpoint, "all");
			WorkerProcess killed = this.cluster.worker(0);
			String killedWorker = "w-" + killed.pid() + "-";
			long invokedBefore = this.aws.sageMaker().stats(endpoint).invocations();
			killed.kill();
			Duration killedAt = this.sampler.elapsed();
			// Share lease 5 s + invocation timeout 5 s, then the others take the dead
			// worker's share.
			Duration bound = Duration.ofSeconds(5 + 5 + 10);
			await().atMost(bound.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
				Budget budget = budgets.find(key).join().orElseThrow();
				return budget.shares().keySet().stream().noneMatch((worker) -> worker.startsWith(killedWorker))
						&& budget.totalHeld() == 4;
			});
			Duration fullAgain = this.sampler.elapsed().minus(killedAt);
			Thread.sleep(2_000);
			double busy = this.sampler.since(killedAt.plus(fullAgain))
				.stream()
				.mapToInt(OutstandingSampler.Sample::inFlight)
				.average()
				.orElse(0);
			List<JsonNode> finished = EndToEndTest.awaitTerminal(this.system.client(), ids, Duration.ofSeconds(120));

			EndpointStats stats = this.aws.sageMaker().stats(endpoint);
			logger.info("Killed one of 3 workers after {} invocations: the two others held the whole capacity {} ms "
					+ "after, {} instances busy on average in the 2 s after that; {} invocations for {} jobs; at most "
					+ "{} outstanding", invokedBefore, fullAgain.toMillis(), busy, stats.invocations(), ids.size(),
					stats.maxOutstanding());
			assertThat(fullAgain).isLessThanOrEqualTo(bound).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
			assertThat(busy).isGreaterThan(3.5);
			assertThat(stats.maxOutstanding()).isLessThanOrEqualTo(4);
			assertThat(finished).allSatisfy((job) -> assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED"));
			// Only what the killed worker had in flight (at most the whole endpoint) ran
			// twice.
			assertThat(stats.invocations()).isBetween((long) ids.size(), (long) ids.size() + 4);
		}
	}

	@Test
	void aPausedWorker_shouldStartNothingUntilItRenewed() throws Exception {
		Disrupted run = disruptOneOfTwo("pause", Map.of(), new Disruption() {
			@Override
			public void start(WorkerProcess worker) throws Exception {
				worker.pause();
			}

			@Override
			public void end(WorkerProcess worker) throws Exception {
				worker.resume();
			}
		});

		assertThat(run.maxOutstanding()).isLessThanOrEqualTo(4);
	}

	@Test
	void aWorkerCutOffFromDynamoDb_shouldStartNothingUntilItRenewed() throws Exception {
		this.proxy = TcpProxy.start(this.aws.dynamoDbEndpoint());
		Disrupted run = disruptOneOfTwo("cut",
				Map.of("spring.cloud.aws.dynamodb.endpoint", this.proxy.endpoint().toString()), new Disruption() {
					@Override
					public void start(WorkerProcess worker) {
						ClusterTest.this.proxy.cut();
					}

					@Override
					public void end(WorkerProcess worker) throws Exception {
						ClusterTest.this.proxy.restore();
					}
				});

		assertThat(run.maxOutstanding()).isLessThanOrEqualTo(4);
	}

	@Test
	void theCapacity_shouldFollowTheEndpoint_4to8to2() throws Exception {
		String endpoint = define(endpoint("cluster-scale").instances(4)
			.latency(Duration.ofMillis(400))
			.modelTimeout(Duration.ofSeconds(5))
			.echo(true));
		Map<String, String> following = new HashMap<>(failFast("5s", "5s"));
		following.put("inferq.worker.concurrency.mode", "endpoint");
		following.put("inferq.worker.concurrency.refresh", "1s");
		following.put("inferq.worker.concurrency.cap", "16");
		List<String> ids = queue(endpoint, 4, following, 320);
		startCluster("scale", 2, following);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 8);
		// Refresh 1 s, a heartbeat of 1 s, and the longest invocation in flight (0.4 s).
		Duration settle = Duration.ofMillis(1000 + 1000 + 400 + 600);

		this.aws.sageMaker().scale(endpoint, 8);
		Duration grew = this.sampler.elapsed();
		Thread.sleep(6_000);
		this.aws.sageMaker().scale(endpoint, 2);
		Duration shrank = this.sampler.elapsed();
		Thread.sleep(5_000);
		List<OutstandingSampler.Sample> atEight = this.sampler.since(grew.plus(settle))
			.stream()
			.filter((sample) -> sample.at().compareTo(shrank) < 0)
			.toList();
		int mostAtTwo = this.sampler.max(shrank.plus(settle), OutstandingSampler.Sample::outstanding);
		List<JsonNode> finished = EndToEndTest.awaitTerminal(this.system.client(), ids, Duration.ofSeconds(180));

		int mostAtEight = atEight.stream().mapToInt(OutstandingSampler.Sample::outstanding).max().orElse(0);
		logger.info("Endpoint 4 -> 8 -> 2: at most {} outstanding at 8 (of {} samples), at most {} at 2", mostAtEight,
				atEight.size(), mostAtTwo);
		assertThat(mostAtEight).isEqualTo(8);
		assertThat(mostAtTwo).isLessThanOrEqualTo(2);
		assertThat(finished).allSatisfy((job) -> assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED"));
	}

	/**
	 * Two workers on 4 instances; {@code disruption} strikes one of them for longer than
	 * its share lease plus the invocation timeout (so the other takes its share), then
	 * ends; every job still succeeds.
	 */
	private Disrupted disruptOneOfTwo(String name, Map<String, String> disruptedProperties, Disruption disruption)
			throws Exception {
		String endpoint = define(endpoint("cluster-" + name).instances(4)
			.latency(Duration.ofMillis(300))
			.modelTimeout(Duration.ofSeconds(3))
			.keepRunningAfterDisconnect(true)
			.echo(true));
		Map<String, String> failFast = failFast("3s", "3s");
		List<String> ids = queue(endpoint, 4, failFast, 240);
		Map<String, String> disrupted = new HashMap<>(this.system.workerProperties());
		disrupted.putAll(disruptedProperties);
		this.cluster = WorkerCluster.start(0, Map.of(), this.logs.resolve(name));
		WorkerProcess victim = this.cluster.add(disrupted, this.logs.resolve(name).resolve("disrupted.log"));
		this.cluster.add(this.system.workerProperties(), this.logs.resolve(name).resolve("other.log"));
		this.sampler = OutstandingSampler.start(this.aws.sageMaker(), endpoint, SAMPLING);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 20);

		disruption.start(victim);
		// Share lease 3 s + invocation timeout 3 s + 1 s margin: the other worker takes
		// over.
		Thread.sleep(9_000);
		disruption.end(victim);
		List<JsonNode> finished = EndToEndTest.awaitTerminal(this.system.client(), ids, Duration.ofSeconds(120));

		EndpointStats stats = this.aws.sageMaker().stats(endpoint);
		int most = this.sampler.max(Duration.ZERO, OutstandingSampler.Sample::outstanding);
		logger.info("{} of one of 2 workers for 9 s: at most {} outstanding (emulator: {}), {} invocations for {} jobs",
				name, most, stats.maxOutstanding(), stats.invocations(), ids.size());
		assertThat(finished).allSatisfy((job) -> assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED"));
		assertThat(victim.isAlive()).isTrue();
		return new Disrupted(Math.max(most, stats.maxOutstanding()));
	}

	private String define(EndpointSpec.Builder builder) {
		EndpointSpec spec = builder.build();
		this.aws.sageMaker().define(spec);
		return spec.name();
	}

	/** A builder for an endpoint of a name no other test uses. */
	static EndpointSpec.Builder endpoint(String name) {
		return EndpointSpec.builder(name + "-" + System.nanoTime());
	}

	/** Starts the API and queues {@code count} numbered jobs before any worker runs. */
	private List<String> queue(String endpoint, int instances, Map<String, String> workerProperties, int count) {
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, instances, workerProperties);
		return Workloads.submitNumbered(this.system.client(), count);
	}

	private void startCluster(String name, int workers, Map<String, String> properties) throws Exception {
		Map<String, String> all = new HashMap<>(this.system.workerProperties());
		all.putAll(properties);
		this.cluster = WorkerCluster.start(workers, all, this.logs.resolve(name));
		this.sampler = OutstandingSampler.start(this.aws.sageMaker(), all.get("inferq.worker.endpoint-name"), SAMPLING);
	}

	/**
	 * Short leases and timeouts, so that a lost worker's share and jobs come back within
	 * seconds.
	 */
	private static Map<String, String> failFast(String lease, String invocationTimeout) {
		Map<String, String> properties = new HashMap<>();
		properties.put("inferq.worker.lease", lease);
		properties.put("inferq.worker.invocation-timeout", invocationTimeout);
		properties.put("inferq.worker.concurrency.share-lease", lease);
		properties.put("inferq.worker.concurrency.idle-heartbeat", "1s");
		properties.put("inferq.worker.initial-backoff", "1s");
		properties.put("inferq.worker.max-backoff", "2s");
		return properties;
	}

	/** Something that happens to one worker, and ends. */
	private interface Disruption {

		void start(WorkerProcess worker) throws Exception;

		void end(WorkerProcess worker) throws Exception;

	}

	private record Disrupted(int maxOutstanding) {
	}

}
