package io.inferq.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;
import io.inferq.aws.AwsRequestCounter;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.convert.DurationStyle;
import tools.jackson.databind.node.ObjectNode;

/**
 * Measures how close the system comes to the physical limit: M jobs on N instances of
 * latency T cannot finish in less than ceil(M / N) x T. Runs the scenarios on the
 * in-process stand-ins, prints a table and writes the figures as JSON.
 * <p>
 * {@code bin/benchmark [--scenario all|seed|saturation|overhead|api|worker|cluster|eta] [--jobs M]
 * [--instances N] [--latency 200ms] [--workers W] [--out benchmarks/results]}; the
 * options change the saturation scenario ({@code --workers}, {@code --cluster-*} the
 * cluster scenario), each scenario's own defaults are in {@link #main}.
 */
public final class Benchmark {

	private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private final LocalAws aws = LocalAws.shared();

	private final ObjectNode results = JobsClient.mapper().createObjectNode();

	private final List<String> table = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		try {
			run(options(args));
		}
		catch (Exception | Error ex) {
			// The stand-ins' threads would keep the JVM alive.
			ex.printStackTrace();
			System.exit(1);
		}
		System.exit(0);
	}

	private static void run(Map<String, String> options) throws Exception {
		String scenario = options.getOrDefault("scenario", "all");
		Benchmark benchmark = new Benchmark();
		benchmark.results.put("startedAt", Instant.now().toString());
		benchmark.results.put("machine", machine());
		// The JIT's options among them: they move the in-process scenarios' figures
		// (bin/benchmark).
		benchmark.results.put("jvmOptions", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
		if (scenario.equals("all") || scenario.equals("seed")) {
			benchmark.makespan("seed", 4, 2, Duration.ofSeconds(5), 2);
		}
		if (scenario.equals("all") || scenario.equals("saturation")) {
			int jobs = Integer.parseInt(options.getOrDefault("jobs", "2000"));
			benchmark.makespan("saturation", jobs, Integer.parseInt(options.getOrDefault("instances", "16")),
					DurationStyle.detectAndParse(options.getOrDefault("latency", "200ms")),
					Integer.parseInt(options.getOrDefault("warm-jobs", String.valueOf(jobs / 4))));
		}
		if (scenario.equals("all") || scenario.equals("overhead")) {
			benchmark.overhead(Integer.parseInt(options.getOrDefault("overhead-jobs", "100")));
		}
		if (scenario.equals("all") || scenario.equals("api")) {
			ApiScenario api = new ApiScenario(benchmark.aws);
			benchmark.table.add(api.singleSubmits(Integer.parseInt(options.getOrDefault("api-requests", "2000")),
					Integer.parseInt(options.getOrDefault("api-concurrency", "32")),
					benchmark.results.putObject("api")));
			benchmark.table.add(api.bulk(Integer.parseInt(options.getOrDefault("bulk-items", "20000")),
					benchmark.results.putObject("bulk")));
		}
		if (scenario.equals("all") || scenario.equals("worker")) {
			benchmark.workerCost(Integer.parseInt(options.getOrDefault("worker-jobs", "3000")),
					Integer.parseInt(options.getOrDefault("worker-instances", "256")),
					DurationStyle.detectAndParse(options.getOrDefault("worker-latency", "4s")));
		}
		if (scenario.equals("all") || scenario.equals("cluster")) {
			benchmark.table
				.add(new ClusterScenario(benchmark.aws).run(Integer.parseInt(options.getOrDefault("workers", "3")),
						Integer.parseInt(options.getOrDefault("cluster-jobs", "600")),
						Integer.parseInt(options.getOrDefault("cluster-instances", "4")),
						DurationStyle.detectAndParse(options.getOrDefault("cluster-latency", "300ms")),
						benchmark.results.putObject("cluster")));
		}
		if (scenario.equals("all") || scenario.equals("eta")) {
			int instances = Integer.parseInt(options.getOrDefault("eta-instances", "8"));
			Duration latency = DurationStyle.detectAndParse(options.getOrDefault("eta-latency", "1s"));
			EtaScenario.Result eta = new EtaScenario(benchmark.aws).run(
					Integer.parseInt(options.getOrDefault("eta-jobs", "2000")), instances, latency, 100,
					Double.parseDouble(options.getOrDefault("eta-rate", "10")));
			eta.record(benchmark.results.putObject("eta"));
			benchmark.table.add(eta.line(instances, latency));
		}
		benchmark.report(Path.of(options.getOrDefault("out", "benchmarks/results")));
	}

	/**
	 * Scenarios 1 and 2: M jobs submitted at once on N instances; makespan, from the
	 * first submit to the last result stored, against the ideal. A round of
	 * {@code warmJobs} jobs on the same system warms the JVM up first and is not counted.
	 */
	private void makespan(String name, int jobs, int instances, Duration latency, int warmJobs) {
		String endpoint = define(name, instances, latency);
		try (LocalSystem system = LocalSystem.start(this.aws.springProperties(), endpoint, instances, Map.of())) {
			JobsClient client = system.client();
			awaitAll(client, submitAll(client, warmJobs, 64));
			this.aws.sageMaker().resetStats(endpoint);
			Instant started = Instant.now();
			CpuLoad cpu = CpuLoad.start();
			AwsRequestCounter.Counts before = system.apiRequests().plus(system.workerRequests());
			List<String> ids = submitAll(client, jobs, 64);
			// The API's requests until the last submit, not the benchmark's reads that
			// follow.
			AwsRequestCounter.Counts submitted = system.apiRequests();
			// Asks the emulator, in this JVM, until every job was answered, and reads the
			// jobs through the API only then: polling them meanwhile (until 2026-12-01)
			// took CPU and DynamoDB requests from the system being measured. The makespan
			// ends at the last job's own finishedAt either way.
			awaitAnswered(endpoint, jobs);
			Duration makespan = Duration.between(started, lastFinished(awaitAll(client, ids)));
			double cpuBusy = cpu.stop();
			AwsRequestCounter.Counts spent = submitted.plus(system.workerRequests()).minus(before);
			Duration ideal = latency.multipliedBy((jobs + instances - 1) / instances);
			EndpointStats stats = this.aws.sageMaker().stats(endpoint);
			ObjectNode result = this.results.putObject(name);
			result.put("jobs", jobs).put("instances", instances).put("latencyMs", latency.toMillis());
			result.put("warmJobs", warmJobs);
			result.put("makespanMs", makespan.toMillis()).put("idealMs", ideal.toMillis());
			result.put("makespanOverIdeal", ratio(makespan, ideal));
			result.put("maxInFlight", stats.maxInFlight()).put("utilisation", stats.utilisation());
			result.put("utilisationWhileJobsWaited", stats.utilisationWhileStarting());
			result.put("machineCpuBusy", cpuBusy);
			result.put("invocations", stats.invocations());
			if (name.equals("seed")) {
				result.put("seedBlockingMs", 20_000).put("seedNonBlockingMs", 10_000);
			}
			String perJob = RoundTrips.write(result, spent, jobs);
			this.table.add(String.format(Locale.ROOT,
					"%-11s %6d jobs %4d inst %5d ms | makespan %8.2f s  ideal %8.2f s  ratio %.3f | max in flight %d, utilisation %.1f %% while jobs waited, %.1f %% to the last result | CPU %.0f %% busy%s",
					name, jobs, instances, latency.toMillis(), makespan.toMillis() / 1000.0, ideal.toMillis() / 1000.0,
					ratio(makespan, ideal), stats.maxInFlight(), 100 * stats.utilisationWhileStarting(),
					100 * stats.utilisation(), 100 * cpuBusy,
					name.equals("seed") ? "  (seed: 20 s blocking, 10 s non-blocking)" : "") + " | " + perJob);
		}
	}

	/**
	 * Scenario 3: one job at a time on an idle system; submit to RUNNING, submit to
	 * result, minus the latency.
	 */
	private void overhead(int jobs) {
		Duration latency = Duration.ofMillis(100);
		String endpoint = define("overhead", 1, latency);
		try (LocalSystem system = LocalSystem.start(this.aws.springProperties(), endpoint, 1, Map.of())) {
			JobsClient client = system.client();
			submitAll(client, 5, 1).forEach((id) -> awaitAll(client, List.of(id)));
			List<Long> toRunning = new ArrayList<>();
			List<Long> toResult = new ArrayList<>();
			for (int i = 0; i < jobs; i++) {
				String id = client.submit("{\"input\":{\"n\":" + i + "}}");
				// The job's own timestamps, all taken on this machine's clock: created
				// when the API accepted it, started when the worker made it RUNNING,
				// finished when its result was stored.
				JsonNode job = awaitAll(client, List.of(id)).get(0);
				Instant created = Instant.parse(job.get("createdAt").asString());
				toRunning
					.add(Duration.between(created, Instant.parse(job.get("startedAt").asString())).toNanos() / 1_000);
				toResult.add(Duration.between(created, Instant.parse(job.get("finishedAt").asString()))
					.minus(latency)
					.toNanos() / 1_000);
			}
			ObjectNode result = this.results.putObject("overhead");
			result.put("jobs", jobs).put("latencyMs", latency.toMillis());
			result.put("submitToRunningMedianMs", percentile(toRunning, 50))
				.put("submitToRunningP99Ms", percentile(toRunning, 99));
			result.put("resultOverheadMedianMs", percentile(toResult, 50))
				.put("resultOverheadP99Ms", percentile(toResult, 99));
			this.table.add(String.format(Locale.ROOT,
					"overhead    %6d jobs one at a time   | submit->RUNNING median %.1f ms p99 %.1f ms | submit->result minus latency median %.1f ms p99 %.1f ms",
					jobs, percentile(toRunning, 50), percentile(toRunning, 99), percentile(toResult, 50),
					percentile(toResult, 99)));
		}
	}

	/**
	 * Scenario 5: a worker in its own JVM at N in flight: CPU per 1,000 jobs, peak
	 * memory, threads. The model's latency must let the stand-ins keep N in flight: N in
	 * flight at latency T need N / T job starts a second, each of them about three
	 * DynamoDB writes and reads, and the stand-ins on 2 cores serve about 75-100 jobs a
	 * second, so 256 in flight need T of 3-4 s (at 200 ms they would need 1,280 starts a
	 * second, and the worker measured would be one waiting for the stand-ins).
	 */
	private void workerCost(int jobs, int instances, Duration latency) throws IOException, InterruptedException {
		String endpoint = define("worker-cost", instances, latency);
		try (LocalSystem system = LocalSystem.startApi(this.aws.springProperties(), endpoint, instances, Map.of())) {
			JobsClient client = system.client();
			List<String> ids = submitAll(client, jobs, 64);
			Path log = Files.createTempFile("inferq-worker", ".log");
			try (WorkerProcess worker = WorkerProcess.start(system.workerProperties(), log)) {
				ProcessStats idle = awaitStarted(worker);
				int peakThreads = idle.threads();
				long started = System.nanoTime();
				while (this.aws.sageMaker().stats(endpoint).succeeded() < jobs) {
					peakThreads = Math.max(peakThreads, ProcessStats.of(worker.pid()).threads());
					Thread.sleep(100);
				}
				awaitAll(client, ids);
				double seconds = (System.nanoTime() - started) / 1e9;
				ProcessStats done = ProcessStats.of(worker.pid());
				double cpuPerThousand = (done.cpuSeconds() - idle.cpuSeconds()) * 1000 / jobs;
				EndpointStats stats = this.aws.sageMaker().stats(endpoint);
				ObjectNode result = this.results.putObject("worker");
				result.put("jobs", jobs).put("instances", instances).put("latencyMs", latency.toMillis());
				result.put("seconds", seconds)
					.put("idealSeconds", Math.ceil((double) jobs / instances) * latency.toMillis() / 1000.0);
				result.put("cpuSecondsPer1000Jobs", cpuPerThousand).put("peakRssMiB", done.peakRssKiB() / 1024);
				result.put("threadsIdle", idle.threads()).put("threadsPeak", peakThreads);
				result.put("maxInFlight", stats.maxInFlight());
				// A clean stop, so that a flight recording asked for is written.
				worker.terminate(Duration.ofSeconds(30));
				// The yardstick, in the same run: a plain client making the calls a job
				// must make, in a JVM of its own, on a fresh endpoint of the same shape.
				double rawPerThousand = RawWorkerCalls.measure(this.aws,
						system.workerProperties().get("inferq.aws.table-name"),
						define("worker-raw-calls", instances, latency), ids.get(0), jobs, instances);
				result.put("rawSdkCpuSecondsPer1000Jobs", rawPerThousand)
					.put("overRawSdk", rawPerThousand / cpuPerThousand);
				this.table.add(String.format(Locale.ROOT,
						"worker      %6d jobs %4d inst %5d ms | %.2f CPU s per 1,000 jobs (plain SDK client's calls %.2f: overRawSdk %.2f), peak RSS %d MiB, threads %d idle / %d peak, max in flight %d, %.1f s",
						jobs, instances, latency.toMillis(), cpuPerThousand, rawPerThousand,
						rawPerThousand / cpuPerThousand, done.peakRssKiB() / 1024, idle.threads(), peakThreads,
						stats.maxInFlight(), seconds));
			}
		}
	}

	private ProcessStats awaitStarted(WorkerProcess worker) throws IOException, InterruptedException {
		// Minutes on a machine loaded by other builds.
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		while (System.nanoTime() < deadline) {
			if (Files.readString(worker.log().toPath()).contains("Started WorkerApplication")) {
				return ProcessStats.of(worker.pid());
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException("The worker did not start; see " + worker.log());
	}

	private String define(String name, int instances, Duration latency) {
		EndpointSpec spec = EndpointSpec.builder("bench-" + name + "-" + System.nanoTime())
			.instances(instances)
			.latency(latency)
			.build();
		this.aws.sageMaker().define(spec);
		return spec.name();
	}

	static List<String> submitAll(JobsClient client, int jobs, int concurrency) {
		Semaphore window = new Semaphore(concurrency);
		List<CompletableFuture<String>> ids = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			window.acquireUninterruptibly();
			ids.add(client.submitAsync("{\"input\":{\"n\":" + i + "}}")
				.whenComplete((r, f) -> window.release())
				.thenApply((response) -> response.json().get("id").asString()));
		}
		return ids.stream().map(CompletableFuture::join).toList();
	}

	/**
	 * Waits until the emulator has answered {@code jobs} invocations of {@code endpoint}
	 * since its stats were reset, or {@link #JOB_TIMEOUT} passed (then the jobs' own
	 * statuses tell what happened).
	 */
	private void awaitAnswered(String endpoint, int jobs) {
		long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
		while (this.aws.sageMaker().stats(endpoint).succeeded() < jobs && System.nanoTime() < deadline) {
			sleep(POLL_INTERVAL);
		}
	}

	/**
	 * Waits until every job SUCCEEDED and returns them. Polls gently (one job at a time,
	 * every {@link #POLL_INTERVAL} while it is not done), so that the poller takes little
	 * of the CPU it measures; times come from the jobs' own timestamps, not from when the
	 * poller saw them.
	 */
	static List<JsonNode> awaitAll(JobsClient client, List<String> ids) {
		long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
		List<JsonNode> done = new ArrayList<>();
		for (String id : ids) {
			while (true) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							(ids.size() - done.size()) + " jobs did not finish in " + JOB_TIMEOUT);
				}
				JsonNode job = client.get(id);
				String status = job.get("status").asString();
				if (status.equals("SUCCEEDED")) {
					done.add(job);
					break;
				}
				if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
					throw new IllegalStateException("Job ended " + status + ": " + job);
				}
				sleep(POLL_INTERVAL);
			}
		}
		return done;
	}

	static Instant lastFinished(List<JsonNode> jobs) {
		return jobs.stream()
			.map((job) -> Instant.parse(job.get("finishedAt").asString()))
			.max(Instant::compareTo)
			.orElseThrow();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for jobs", ex);
		}
	}

	private void report(Path directory) throws IOException {
		Files.createDirectories(directory);
		Path file = directory.resolve("benchmark-" + Instant.now().toString().replace(':', '-') + ".json");
		Files.writeString(file, JobsClient.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this.results));
		System.out.println();
		System.out.println("inferq benchmark on " + machine());
		this.table.forEach(System.out::println);
		System.out.println("Figures written to " + file);
	}

	static double ratio(Duration actual, Duration ideal) {
		return (double) actual.toNanos() / ideal.toNanos();
	}

	static double percentile(List<Long> micros, int percentile) {
		List<Long> sorted = micros.stream().sorted().toList();
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, index)) / 1000.0;
	}

	private static String machine() {
		return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
				+ System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("Options are --name value pairs; got " + args[i]);
			}
			options.put(args[i].substring(2), args[++i]);
		}
		return options;
	}

	/**
	 * How busy the whole machine's CPUs were while a scenario ran (all processes, all
	 * cores), sampled every 200 ms: near 100 % means the machine, not the system under
	 * test, set the pace.
	 */
	private static final class CpuLoad {

		private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

		private final List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());

		static CpuLoad start() {
			CpuLoad load = new CpuLoad();
			OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
			load.sampler.scheduleAtFixedRate(() -> {
				double busy = os.getCpuLoad();
				if (busy >= 0) {
					load.samples.add(busy);
				}
			}, 200, 200, TimeUnit.MILLISECONDS);
			return load;
		}

		/** Stops sampling; the mean load, from 0 to 1. */
		double stop() {
			this.sampler.shutdownNow();
			synchronized (this.samples) {
				return this.samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
			}
		}

	}

}
