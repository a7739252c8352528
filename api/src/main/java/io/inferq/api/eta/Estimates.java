package io.inferq.api.eta;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import io.inferq.api.watch.CompletionForecast;
import io.inferq.batch.Batch;
import io.inferq.job.Job;
import io.inferq.job.JobStatus;
import io.inferq.message.QueueDepths;
import io.inferq.pace.ClusterPace;
import io.inferq.pace.Pace;
import io.inferq.pace.PaceSource;

import org.springframework.stereotype.Component;

/**
 * Honest waiting times, by Little's law: a job with {@code n} jobs ahead of it in its
 * lane ends after {@code (n + 1) / X}, and no sooner than one service time {@code T},
 * where {@code X = P / T} is what the lane's {@code P} usable permits serve and {@code T}
 * how long a job holds its permit, the workers' mean over the last 5 s. The jobs ahead
 * are the lane queue's depth (read at most once per {@code inferq.api.eta.depth-ttl}),
 * its messages in flight counted no further than the workers hold, less what the lane
 * ended since the reading, plus what this process queued since. The workers' figures come
 * from what they write anyway (their shares of the budget record, read at most once per
 * {@code inferq.api.eta.pace-ttl}). Never waits: until the first readings are in, there
 * are no estimates.
 */
@Component
public class Estimates implements CompletionForecast {

	private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(Estimates.class);

	private final Clock clock;

	private final EtaProperties properties;

	private final LaneBacklog interactive;

	private final LaneBacklog bulk;

	private final Cached<Optional<ClusterPace>> pace;

	Estimates(QueueDepths depths, PaceSource paces, EtaProperties properties, Clock clock) {
		this.clock = clock;
		this.properties = properties;
		this.interactive = new LaneBacklog(depths, false, properties.depthTtl());
		this.bulk = new LaneBacklog(depths, true, properties.depthTtl());
		this.pace = new Cached<>("the workers' pace", paces::read, properties.paceTtl());
	}

	/** {@code jobs} were queued in a lane by this process. */
	public void queued(boolean bulk, long jobs) {
		lane(bulk).queued(jobs);
	}

	/**
	 * When a job not yet ended is expected to start and end: for a QUEUED job, from the
	 * backlog now as though it had been there at its creation (at submit, exactly that);
	 * for a RUNNING one, one service time after its start.
	 */
	public Optional<JobEstimate> of(Job job) {
		if (job.isTerminal()) {
			return Optional.empty();
		}
		boolean bulk = job.isInBatch();
		Optional<Throughput> throughput = throughput(bulk);
		if (throughput.isEmpty()) {
			return Optional.empty();
		}
		Instant now = this.clock.instant();
		long serviceMillis = (long) Math.ceil(throughput.get().serviceMillis());
		if (job.status() == JobStatus.RUNNING && job.startedAt() != null) {
			Instant finish = job.startedAt().plusMillis(serviceMillis);
			return Optional.of(new JobEstimate(job.startedAt(), finish.isBefore(now) ? now : finish));
		}
		OptionalLong ahead = lane(bulk).ahead(throughput.get().held(), throughput.get().perSecond());
		if (ahead.isEmpty()) {
			return Optional.empty();
		}
		Instant anchor = job.createdAt().isAfter(now) ? now : job.createdAt();
		if (logger.isDebugEnabled()) {
			logger.debug("Job {}: {} ahead (depth {}), {}, pace {}", job.id(), ahead.getAsLong(), lane(bulk).depth(),
					throughput.get(), this.pace.get());
		}
		Instant finish = anchor.plusMillis(throughput.get().millisFor(ahead.getAsLong() + 1));
		Instant earliest = now.plusMillis(serviceMillis);
		if (finish.isBefore(earliest)) {
			finish = earliest;
		}
		return Optional.of(new JobEstimate(finish.minusMillis(serviceMillis), finish));
	}

	@Override
	public Optional<Instant> completionOf(Batch batch) {
		if (batch.hasEnded()) {
			return Optional.empty();
		}
		Optional<Throughput> throughput = throughput(true);
		if (throughput.isEmpty()) {
			return Optional.empty();
		}
		if (batch.status().isFinal()) {
			// Cancelled, its jobs still ending: the queued ones are cancelled, not run,
			// so what is left is the running ones' service.
			return Optional.of(this.clock.instant().plusMillis((long) Math.ceil(throughput.get().serviceMillis())));
		}
		OptionalLong backlog = this.bulk.ahead(throughput.get().held(), throughput.get().perSecond());
		if (backlog.isEmpty()) {
			return Optional.empty();
		}
		long remaining = Math.max(0, batch.total() - batch.counts().terminal());
		long ahead = Math.max(remaining, backlog.getAsLong());
		long millis = Math.max((long) Math.ceil(throughput.get().serviceMillis()), throughput.get().millisFor(ahead));
		return Optional.of(this.clock.instant().plusMillis(millis));
	}

	@Override
	public double ratePerSecond(Batch batch) {
		return throughput(true).map(Throughput::perSecond).orElse(0.0);
	}

	/**
	 * {@code Retry-After} for a client waiting for something expected at {@code at}: the
	 * time until then, within {@code inferq.api.eta.min-retry-after} and
	 * {@code max-retry-after}; or {@code fallback} when nothing is expected.
	 */
	public Duration retryAfter(Optional<Instant> at, Duration fallback) {
		if (at.isEmpty()) {
			return fallback;
		}
		Duration left = Duration.between(this.clock.instant(), at.get());
		if (left.compareTo(this.properties.minRetryAfter()) < 0) {
			return this.properties.minRetryAfter();
		}
		return (left.compareTo(this.properties.maxRetryAfter()) > 0) ? this.properties.maxRetryAfter() : left;
	}

	private LaneBacklog lane(boolean bulk) {
		return bulk ? this.bulk : this.interactive;
	}

	/** The lane's throughput now, if the workers ever measured a service time. */
	Optional<Throughput> throughput(boolean bulk) {
		Optional<ClusterPace> read = this.pace.get();
		if (read == null || read.isEmpty()) {
			return Optional.empty();
		}
		ClusterPace cluster = read.get();
		Pace lane = cluster.lane(bulk);
		Pace other = cluster.lane(!bulk);
		double serviceMillis = (lane.meanMillis() > 0) ? lane.meanMillis() : other.meanMillis();
		if (serviceMillis <= 0 || cluster.limit() < 1) {
			return Optional.empty();
		}
		// The other lane keeps what it uses; this one may borrow the rest.
		int usable = Math.max(1, cluster.limit() - Math.min(cluster.limit() - 1, other.demand()));
		// Little's law over the lane's permits: each ends a job per service time,
		// whether the lane is saturated (then this is its drain) or not (then a job
		// starts at once). Rates measured over a window are not used: after an idle
		// spell they still average the idle seconds. Messages in flight are jobs the
		// workers hold (running or waiting for a permit), but also ended ones whose
		// deletes are still batched: count no more than the workers say they hold, or
		// than the lane's permits while their word is not in yet.
		return Optional
			.of(new Throughput(usable * 1000.0 / serviceMillis, serviceMillis, Math.max(lane.demand(), usable)));
	}

	/**
	 * @param perSecond jobs the lane ends per second
	 * @param serviceMillis how long one job holds its permit
	 * @param held the most messages in flight in the lane that are jobs not yet ended
	 */
	record Throughput(double perSecond, double serviceMillis, long held) {

		long millisFor(long jobs) {
			return (long) Math.ceil(jobs * 1000 / this.perSecond);
		}

	}

}
