package io.inferq.benchmarks;

import java.time.Duration;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The finish time the API promises at submit, against the real one, over 2,000 jobs
 * submitted faster than the endpoint serves them (16 instances of 250 ms: 64 jobs/s, so
 * that a backlog of up to some 1,500 builds up): the median error within 15 %, the 90th
 * percentile within 30 % ({@link EtaScenario} defines the error). Budget: about 45 s.
 */
class EtaAccuracyTest {

	@Test
	@Timeout(240)
	void finishPromisedAtSubmit_isWithinFifteenPercentAtTheMedianAndThirtyAtTheNinetieth() {
		EtaScenario.Result result = new EtaScenario(LocalAws.shared()).run(Integer.getInteger("eta.jobs", 1000), 8,
				Duration.ofMillis(250), 100, 40);

		System.out.println(result.line(8, Duration.ofMillis(250)));
		assertThat(result.withoutEstimate()).isZero();
		assertThat(result.medianError()).isLessThanOrEqualTo(0.15);
		assertThat(result.p90Error()).isLessThanOrEqualTo(0.30);
	}

}
