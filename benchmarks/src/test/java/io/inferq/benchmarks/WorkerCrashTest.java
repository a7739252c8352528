package io.inferq.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers as real processes, killed and stopped as an orchestrator would: nothing is
 * lost, nothing is done twice.
 */
class WorkerCrashTest {

	private static final Logger logger = LoggerFactory.getLogger(WorkerCrashTest.class);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@TempDir
	Path logs;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void sigkillMidRun_shouldLoseNoJobAndStoreOneResultEach() throws Exception {
		String endpoint = Workloads.echoEndpoint(this.aws, "crash", 4, Duration.ofMillis(100));
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 4, Workloads.shortLease());
		JobsClient client = this.system.client();
		int jobs = 300;
		List<String> ids = Workloads.submitNumbered(client, jobs);

		try (WorkerProcess first = WorkerProcess.start(this.system.workerProperties(),
				this.logs.resolve("first.log"))) {
			await().atMost(Duration.ofSeconds(60)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 80);
			first.kill();
		}
		long invokedBeforeKill = this.aws.sageMaker().stats(endpoint).invocations();
		try (WorkerProcess second = WorkerProcess.start(this.system.workerProperties(),
				this.logs.resolve("second.log"))) {
			List<JsonNode> finished = EndToEndTest.awaitTerminal(client, ids, Duration.ofSeconds(120));

			assertThat(finished).hasSize(jobs);
			for (int n = 0; n < jobs; n++) {
				JsonNode job = finished.get(n);
				assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
				// The emulator echoes the input: each job holds its own result, not
				// another's.
				assertThat(job.get("output").get("n").asInt()).isEqualTo(n);
			}
		}
		long invocations = this.aws.sageMaker().stats(endpoint).invocations();
		logger.info("SIGKILL: {} jobs, 1 kill after {} invocations, 0 lost, {} invoked twice (in flight at the kill)",
				jobs, invokedBeforeKill, invocations - jobs);
		assertThat(invocations - jobs).isBetween(0L, 16L);
	}

	@Test
	void sigtermUnderLoad_shouldFinishInFlightJobsAndRedeliverNothing() throws Exception {
		String endpoint = Workloads.echoEndpoint(this.aws, "drain", 4, Duration.ofMillis(500));
		this.system = LocalSystem.startApi(this.aws.springProperties(), endpoint, 4, Workloads.shortLease());
		JobsClient client = this.system.client();
		int jobs = 60;
		List<String> ids = Workloads.submitNumbered(client, jobs);

		WorkerProcess first = WorkerProcess.start(this.system.workerProperties(), this.logs.resolve("first.log"));
		await().atMost(Duration.ofSeconds(60)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 8);
		assertThat(first.terminate(Duration.ofSeconds(30))).as("worker exits after SIGTERM").isTrue();

		List<JsonNode> afterStop = ids.stream().map(client::get).toList();
		assertThat(afterStop).noneMatch((job) -> job.get("status").asString().equals("RUNNING"));
		long finishedByFirst = afterStop.stream()
			.filter((job) -> job.get("status").asString().equals("SUCCEEDED"))
			.count();
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).isEqualTo(finishedByFirst);

		try (WorkerProcess second = WorkerProcess.start(this.system.workerProperties(),
				this.logs.resolve("second.log"))) {
			EndToEndTest.awaitTerminal(client, ids, Duration.ofSeconds(120));
		}
		assertThat(this.aws.sageMaker().stats(endpoint).invocations()).as("no job invoked twice").isEqualTo(jobs);
	}

}
