package io.inferq.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Test fixtures: jobs in each state.
 */
public final class Jobs {

	public static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

	public static final Duration LEASE = Duration.ofMinutes(3);

	private Jobs() {
	}

	public static Job aQueuedJob() {
		return Job.submit(JobId.random(), Payload.json("{\"prompt\":\"hello\"}"), "application/json",
				Map.of("team", "search"), NOW, Duration.ofHours(6));
	}

	public static Job aRunningJob() {
		return aQueuedJob().start(NOW.plusSeconds(1), LEASE);
	}

	public static Job aSucceededJob() {
		return aRunningJob().succeed(Payload.json("{\"message\":\"finish\"}"), NOW.plusSeconds(6));
	}

}
