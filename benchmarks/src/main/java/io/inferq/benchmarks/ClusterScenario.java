package io.inferq.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster scenario: W worker processes share one endpoint of N instances that
 * throttles at once when over-subscribed ({@code rejectWhenBusy}); M jobs are submitted
 * once the workers are ready. Reports what the endpoint saw (the most requests
 * outstanding, throttles, how busy it was while jobs waited), the makespan against the
 * ideal, and what coordinating the workers cost in DynamoDB requests, per job while busy
 * and per worker-minute while idle.
 */
final class ClusterScenario {

	/** How long the idle cost is measured. */
	private static final Duration IDLE = Duration.ofSeconds(30);

	private final LocalAws aws;

	ClusterScenario(LocalAws aws) {
		this.aws = aws;
	}

	/**
	 * Runs the scenario and records its figures in {@code result}.
	 * @return the line for the benchmark's table
	 */
	String run(int workers, int jobs, int instances, Duration latency, ObjectNode result)
			throws IOException, InterruptedException {
		EndpointSpec spec = EndpointSpec.builder("bench-cluster-" + System.nanoTime())
			.instances(instances)
			.latency(latency)
			.rejectWhenBusy(true)
			.build();
		this.aws.sageMaker().define(spec);
		String endpoint = spec.name();
		try (LocalSystem system = LocalSystem.startApi(this.aws.springProperties(), endpoint, instances, Map.of());
				WorkerCluster cluster = WorkerCluster.start(workers, system.workerProperties(),
						Files.createTempDirectory("inferq-cluster"))) {
			JobsClient client = system.client();
			awaitReady(cluster);
			// One round to warm the workers up, not counted.
			Benchmark.awaitAll(client, Benchmark.submitAll(client, instances * workers, 64));
			this.aws.sageMaker().resetStats(endpoint);
			long coordinationBefore = cluster.coordinationRequests();
			Instant started = Instant.now();
			List<String> ids = Benchmark.submitAll(client, jobs, 64);
			Duration makespan = Duration.between(started, Benchmark.lastFinished(Benchmark.awaitAll(client, ids)));
			long coordination = cluster.coordinationRequests() - coordinationBefore;
			EndpointStats stats = this.aws.sageMaker().stats(endpoint);

			long idleBefore = cluster.coordinationRequests();
			Thread.sleep(IDLE.toMillis());
			double idlePerWorkerMinute = (cluster.coordinationRequests() - idleBefore) / (double) workers
					/ (IDLE.toMillis() / 60_000.0);

			Duration ideal = latency.multipliedBy((jobs + instances - 1) / instances);
			result.put("workers", workers).put("jobs", jobs).put("instances", instances);
			result.put("latencyMs", latency.toMillis());
			result.put("capacity", instances);
			result.put("maxInFlight", stats.maxOutstanding());
			result.put("utilisationWhileJobsWaited", stats.utilisationWhileStarting());
			result.put("makespanMs", makespan.toMillis()).put("idealMs", ideal.toMillis());
			result.put("makespanOverIdeal", Benchmark.ratio(makespan, ideal));
			result.put("throttles", stats.rejections());
			result.put("invocations", stats.invocations());
			result.put("coordinationRequestsPerJob", coordination / (double) jobs);
			result.put("coordinationRequestsPerWorkerMinute", idlePerWorkerMinute);
			cluster.terminate(Duration.ofSeconds(30));
			return String.format(Locale.ROOT,
					"cluster     %6d jobs %4d inst %5d ms | %d workers: makespan %.2f s  ideal %.2f s  ratio %.3f | at most %d outstanding (capacity %d), %d throttles, utilisation %.1f %% while jobs waited | coordination %.3f DynamoDB requests per job, %.1f per worker-minute idle",
					jobs, instances, latency.toMillis(), workers, makespan.toMillis() / 1000.0,
					ideal.toMillis() / 1000.0, Benchmark.ratio(makespan, ideal), stats.maxOutstanding(), instances,
					stats.rejections(), 100 * stats.utilisationWhileStarting(), coordination / (double) jobs,
					idlePerWorkerMinute);
		}
	}

	private static void awaitReady(WorkerCluster cluster) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (!cluster.isReady()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The workers did not become ready in 120 s");
			}
			Thread.sleep(200);
		}
	}

}
