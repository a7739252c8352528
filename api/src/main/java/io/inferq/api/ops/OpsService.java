package io.inferq.api.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.jobs.ServiceUnavailableException;
import io.inferq.config.InferqAwsProperties;
import io.inferq.stats.MinuteStats;
import io.inferq.stats.StatsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the operators' figures ({@link OpsOverview}) and keeps them {@code freshness}:
 * however many dashboards are open, the API reads the queues, the budgets and the last
 * hour at most once per {@code freshness} (3 {@code GetQueueAttributes}, then per
 * endpoint one {@code GetItem} and one {@code BatchGetItem} of 60 keys). Callers that ask
 * while a read is under way share it. A failed read fails the callers with 503 and is not
 * kept.
 */
class OpsService {

	private static final Logger logger = LoggerFactory.getLogger(OpsService.class);

	private static final Duration HOUR = Duration.ofHours(1);

	/** The most endpoints shown, should the set grow past what a page can show. */
	private static final int MAX_ENDPOINTS = 20;

	private final QueueDepths queues;

	private final CapacityReader capacities;

	private final StatsStore stats;

	private final InferqAwsProperties aws;

	private final Clock clock;

	private final Duration freshness;

	private final Duration retryAfter;

	private Instant readAt;

	private CompletableFuture<OpsOverview> last;

	OpsService(QueueDepths queues, CapacityReader capacities, StatsStore stats, InferqAwsProperties aws, Clock clock,
			Duration freshness, Duration retryAfter) {
		this.queues = queues;
		this.capacities = capacities;
		this.stats = stats;
		this.aws = aws;
		this.clock = clock;
		this.freshness = freshness;
		this.retryAfter = retryAfter;
	}

	/** The figures, read at most {@code freshness} ago. */
	synchronized CompletableFuture<OpsOverview> overview() {
		Instant now = this.clock.instant();
		boolean fresh = this.last != null && !this.last.isCompletedExceptionally()
				&& Duration.between(this.readAt, now).compareTo(this.freshness) < 0;
		if (!fresh) {
			this.readAt = now;
			this.last = read(now);
		}
		return this.last.exceptionallyCompose((failure) -> {
			logger.warn("Operators' figures could not be read: {}", failure.toString());
			return CompletableFuture.failedFuture(new ServiceUnavailableException(
					"The queues or the job table could not be read; try again later", this.retryAfter, failure));
		});
	}

	private CompletableFuture<OpsOverview> read(Instant now) {
		CompletableFuture<OpsOverview.Queue> interactive = queue("interactive", this.aws.queueName());
		CompletableFuture<OpsOverview.Queue> bulk = queue("bulk", this.aws.bulkQueueName());
		CompletableFuture<OpsOverview.Queue> deadLetter = queue("dead-letter", this.aws.deadLetterQueueName());
		CompletableFuture<List<OpsOverview.Endpoint>> endpoints = this.stats.endpoints()
			.thenCompose((names) -> all(
					names.stream().sorted().limit(MAX_ENDPOINTS).map((name) -> endpoint(name, now)).toList()));
		return CompletableFuture.allOf(interactive, bulk, deadLetter, endpoints)
			.thenApply((done) -> new OpsOverview(now, List.of(interactive.join(), bulk.join()), deadLetter.join(),
					endpoints.join()));
	}

	private CompletableFuture<OpsOverview.Queue> queue(String lane, String name) {
		return this.queues.depth(name)
			.thenApply(
					(depth) -> new OpsOverview.Queue(lane, name, depth.visible(), depth.inFlight(), depth.delayed()));
	}

	private CompletableFuture<OpsOverview.Endpoint> endpoint(String name, Instant now) {
		Instant end = MinuteStats.minuteOf(now).plusSeconds(60);
		return this.capacities.capacity(name)
			.thenCombine(this.stats.minutes(name, end.minus(HOUR), end),
					(capacity, minutes) -> endpoint(name, capacity, minutes));
	}

	private static OpsOverview.Endpoint endpoint(String name, Optional<CapacityReader.Capacity> budget,
			List<MinuteStats> minutes) {
		List<OpsOverview.Minute> hour = minutes.stream().map(OpsService::minute).toList();
		if (budget.isEmpty()) {
			return new OpsOverview.Endpoint(name, null, null, null, null, Map.of(), hour);
		}
		CapacityReader.Capacity capacity = budget.get();
		Map<String, OpsOverview.Share> workers = new HashMap<>();
		capacity.held()
			.forEach((worker, held) -> workers.put(worker,
					new OpsOverview.Share(held, capacity.demand().getOrDefault(worker, 0))));
		return new OpsOverview.Endpoint(name, capacity.capacity(), capacity.limit(),
				capacity.held().values().stream().mapToInt(Integer::intValue).sum(),
				capacity.demand().values().stream().mapToInt(Integer::intValue).sum(), workers, hour);
	}

	private static OpsOverview.Minute minute(MinuteStats stats) {
		Long mean = (stats.latencyCount() > 0) ? stats.latencySumMillis() / stats.latencyCount() : null;
		Duration p50 = stats.latencyPercentile(0.5);
		Duration p95 = stats.latencyPercentile(0.95);
		return new OpsOverview.Minute(stats.minute(), stats.ended("succeeded"), stats.ended("failed"),
				stats.ended("cancelled"), stats.ended("expired"), stats.ended("retried"), mean,
				(p50 != null) ? p50.toMillis() : null, (p95 != null) ? p95.toMillis() : null);
	}

	private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
		return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
			.thenApply((done) -> new ArrayList<>(futures.stream().map(CompletableFuture::join).toList()));
	}

}
