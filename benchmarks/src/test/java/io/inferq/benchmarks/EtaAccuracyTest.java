package io.inferq.benchmarks;

import java.time.Duration;

import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The finish time the API promises at submit, against the real one, over 1,000 jobs
 * submitted at 40/s, faster than the endpoint serves them (8 instances of 250 ms: at most
 * 32 jobs/s, so that a backlog builds up): the median error within 15 %, the 90th
 * percentile within 30 % ({@link EtaScenario} defines the error). Budget: about 60 s.
 */
@Disabled("Not yet within its bounds: median 8.7-12.1 % but p90 42.8-72.2 % in three runs on the shared 2-core "
		+ "machine (the first jobs after the warm-up are promised too late), and far worse when other builds load it; "
		+ "see the README's Honest ETAs")
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
