package io.inferq.api.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.Payload;

/**
 * Jobs in each status, made through their intent methods and stored at version 1 or
 * later, as of {@link #NOW}.
 */
final class JobFixtures {

	static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	static final JobId ID = new JobId("job-0123456789abcdef");

	static final Payload INPUT = Payload.json("{\"inputs\":\"Hello\"}");

	private JobFixtures() {
	}

	static Job aQueuedJob() {
		return Job.submit(ID, INPUT, null, Map.of("customer", "acme"), NOW.minusSeconds(10), Duration.ofHours(6))
			.withVersion(1);
	}

	static Job aQueuedJobPastItsDeadline() {
		return Job.submit(ID, INPUT, null, Map.of(), NOW.minus(Duration.ofHours(7)), Duration.ofHours(6))
			.withVersion(1);
	}

	static Job aRunningJob() {
		return aQueuedJob().start(NOW.minusSeconds(5), Duration.ofMinutes(3)).withVersion(2);
	}

	static Job aSucceededJob() {
		return aSucceededJobWith(Payload.json("{\"generated_text\": \"Hi\", \"score\": 0.1000000000000000055511}"));
	}

	static Job aSucceededJobWith(Payload output) {
		return aRunningJob().succeed(output, NOW.minusSeconds(1)).withVersion(3);
	}

	static Job aFailedJob() {
		return aRunningJob().fail(new JobError("ModelError", "The model answered 400: bad input"), NOW.minusSeconds(1))
			.withVersion(3);
	}

	static Job aCancelledJob() {
		return aQueuedJob().cancel(NOW.minusSeconds(1)).withVersion(2);
	}

}
