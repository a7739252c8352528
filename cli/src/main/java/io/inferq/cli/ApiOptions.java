package io.inferq.cli;

import java.net.URI;
import java.time.Duration;

import picocli.CommandLine.Option;

/**
 * Where the API is, the key to call it with and how long to keep trying it: options every
 * command that calls the API shares.
 */
final class ApiOptions {

	@Option(names = "--api", paramLabel = "URL", defaultValue = "${INFERQ_API:-http://127.0.0.1:8080}",
			description = "The API's base URL (default: $INFERQ_API, else ${DEFAULT-VALUE}).")
	URI api;

	@Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${INFERQ_API_KEY}",
			description = "The API key, sent as 'Authorization: Bearer KEY' (default: $INFERQ_API_KEY; bin/inferq "
					+ "sets it from .run-local/api-key, written by bin/run-local).")
	String apiKey;

	@Option(names = "--retry-for", paramLabel = "DURATION", defaultValue = "2m", converter = Durations.class,
			description = "How long to keep retrying one request while the API is unreachable, busy (429), "
					+ "unavailable (5xx) or still enqueueing the same key (409), before giving up with exit "
					+ "code 3 (default: ${DEFAULT-VALUE}).")
	Duration retryFor;

	BatchesClient client(BatchesClient.RetryListener listener) {
		return new BatchesClient(this.api, this.apiKey, new BatchesClient.RetrySettings(Duration.ofMillis(500),
				Duration.ofSeconds(30), this.retryFor, Duration.ofMinutes(5)), listener);
	}

}
