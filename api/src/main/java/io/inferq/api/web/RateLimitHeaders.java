package io.inferq.api.web;

import java.util.ArrayList;
import java.util.List;

import io.inferq.api.quota.QueuedJobs;
import io.inferq.api.quota.SubmitRate;

import org.springframework.http.HttpHeaders;

/**
 * The RateLimit header fields of the IETF draft (draft-ietf-httpapi-ratelimit-headers):
 * {@code RateLimit-Policy} names each limit with its quota {@code q} and window {@code w}
 * in seconds, {@code RateLimit} what remains of it, {@code r}, and when it resets,
 * {@code t} in seconds. Two policies: {@code "submits"}, the submit rate (a token bucket,
 * whose window is the time to refill a burst; {@code t} is when the next submit is
 * admitted, or the whole burst again), and {@code "queued"}, the queued-jobs limit (which
 * no clock resets).
 */
final class RateLimitHeaders {

	static final String POLICY = "RateLimit-Policy";

	static final String LIMIT = "RateLimit";

	private RateLimitHeaders() {
	}

	static void set(HttpHeaders headers, SubmitRate rate, QueuedJobs queued) {
		List<String> policies = new ArrayList<>();
		List<String> limits = new ArrayList<>();
		if (rate != null) {
			policies.add("\"submits\";q=" + rate.burst() + ";w=" + seconds(rate.burst() / rate.perSecond()));
			double reset = (rate.remaining() == 0) ? Math.max(rate.secondsUntilNext(), 1e-9) : rate.secondsUntilFull();
			limits.add("\"submits\";r=" + rate.remaining() + ";t=" + seconds(reset));
		}
		if (queued != null) {
			policies.add("\"queued\";q=" + queued.limit());
			limits.add("\"queued\";r=" + queued.remaining());
		}
		if (!policies.isEmpty()) {
			headers.set(POLICY, String.join(", ", policies));
			headers.set(LIMIT, String.join(", ", limits));
		}
	}

	private static long seconds(double seconds) {
		return (long) Math.ceil(seconds);
	}

}
