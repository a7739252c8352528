package io.inferq.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.EndpointStats;
import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker scenario's yardstick ({@code worker.overRawSdk}) makes the calls a job must
 * make against the stand-ins, from a JVM of its own: every job it queued invoked the
 * endpoint once, never more at once than it was told, and it reports its CPU. Budget:
 * about 15 s (the API's start, then 250 jobs of 20 ms on 8 instances).
 */
class RawWorkerCallsTest {

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void measure_shouldInvokeTheEndpointOncePerJob_andReportItsCpu() throws Exception {
		LocalAws aws = LocalAws.shared();
		EndpointSpec spec = EndpointSpec.builder("raw-worker-calls-" + System.nanoTime())
			.instances(8)
			.latency(Duration.ofMillis(20))
			.build();
		aws.sageMaker().define(spec);
		try (LocalSystem system = LocalSystem.startApi(aws.springProperties(), spec.name(), 8, Map.of())) {
			String template = system.client().submit("{\"input\":{\"n\":1}}");

			double cpuPerThousand = RawWorkerCalls.measure(aws, system.workerProperties().get("inferq.aws.table-name"),
					spec.name(), template, 200, 8);

			EndpointStats stats = aws.sageMaker().stats(spec.name());
			assertThat(stats.succeeded()).as("a warm-up round of 50 jobs, then 200").isEqualTo(250);
			assertThat(stats.maxInFlight()).isLessThanOrEqualTo(8);
			assertThat(cpuPerThousand).isPositive();
		}
	}

}
