package io.inferq.benchmarks;

import java.time.Duration;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The finish time the API promises at submit, against the real one, over 200 jobs
 * submitted at 10/s, faster than the endpoint serves them (8 instances of 1 s: at most 8
 * jobs/s, so that a backlog builds up): the median error within 15 %, the 90th percentile
 * within 30 % ({@link EtaScenario} defines the error). The model's latency dominates what
 * a job costs the machine's CPUs, as a real endpoint's does; with 250 ms at 40/s the
 * stand-ins, the apps and the client take the 2 cores from the workers while jobs are
 * submitted and give them back after, so that no throughput measured at submit holds.
 * Budget: about 50 s after the stand-ins started (53-68 s with their start on the loaded
 * 2-core machine), most of it the 20 s of submits and the backlog they leave.
 */
class EtaAccuracyTest {

	@Test
	@Timeout(180)
	void finishPromisedAtSubmit_isWithinFifteenPercentAtTheMedianAndThirtyAtTheNinetieth() {
		EtaScenario.Result result = new EtaScenario(LocalAws.shared()).run(Integer.getInteger("eta.jobs", 200), 8,
				Duration.ofSeconds(1), 40, 10);

		System.out.println(result.line(8, Duration.ofSeconds(1)));
		assertThat(result.withoutEstimate()).isZero();
		assertThat(result.medianError()).isLessThanOrEqualTo(0.15);
		assertThat(result.p90Error()).isLessThanOrEqualTo(0.30);
	}

}
