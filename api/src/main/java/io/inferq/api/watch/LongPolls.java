package io.inferq.api.watch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.message.JobEndInbox;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStatuses;
import io.inferq.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Long polling: a {@code GET} with {@code ?wait=} answers as soon as its job or batch
 * ends, or once the wait is over. One API process has one watcher for jobs and one for
 * batches:
 * <ul>
 * <li>jobs: told. The process has an inbox ({@link JobEndInbox}, an SQS queue of its
 * own); the first client to wait for a job registers it as the job's watcher (one
 * {@code UpdateItem}), and whoever ends the job (a worker, another replica's cancel)
 * sends the inbox its ID; the process then reads the ended jobs, whole, 100 to a
 * {@code BatchGetItem}, and answers. Per waited-for job: one write, one SQS message and
 * one item read, however long and by how many clients it is waited for. As a safety net
 * for an end nobody told (an inbox message lost), the waited-for jobs' statuses are read
 * every {@code inbox-poll-interval} (5 s: 0.2 item reads per job-second). Without an
 * inbox ({@code inferq.api.watch.inbox=false}), they are read every {@code poll-interval}
 * (200 ms: 5 item reads per job-second, 100 to a request);</li>
 * <li>batches: one read of each distinct waited-for batch every
 * {@code poll-interval}.</li>
 * </ul>
 * A job cancelled through this process answers its waiters here at once. Each replica
 * watches for its own waiters only, so replicas need nothing in common. The caller checks
 * the tenant before it waits, as a request without {@code wait} does.
 */
@Component
public class LongPolls implements DisposableBean {

	private static final Pattern WAIT = Pattern.compile("(\\d{1,6})(ms|s)?");

	private static final long INBOX_RETRY_SECONDS = 30;

	private static final Logger logger = LoggerFactory.getLogger(LongPolls.class);

	private final WatchProperties properties;

	private final Clock clock;

	private final ScheduledExecutorService scheduler;

	private final AtomicInteger waiting = new AtomicInteger();

	private final EndWatcher<JobId, Job> jobs;

	private final EndWatcher<BatchId, Batch> batches;

	private final JobStore jobStore;

	private final InboxOpener inboxOpener;

	private volatile JobEndInbox inbox;

	private volatile boolean closed;

	LongPolls(JobStatuses statuses, JobStore jobStore, BatchStore batchStore, WatchProperties properties, Clock clock,
			ObjectProvider<InboxOpener> inboxes) {
		this.properties = properties;
		this.clock = clock;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inferq-watch");
			thread.setDaemon(true);
			return thread;
		});
		this.jobs = new EndWatcher<>("job", new JobProbe(statuses, jobStore), this.scheduler, properties.pollInterval(),
				properties.maxWaiters());
		this.jobStore = jobStore;
		this.inboxOpener = inboxes.getIfAvailable();
		if (this.inboxOpener != null) {
			openInbox();
		}
		this.batches = new EndWatcher<>("batch", new BatchProbe(batchStore), this.scheduler, properties.pollInterval(),
				properties.maxWaiters());
	}

	/**
	 * The wait a request asks for: {@code null} or empty for none, else a whole number of
	 * seconds ({@code 20}, {@code 20s}) or milliseconds ({@code 500ms}), at most
	 * {@code inferq.api.watch.max-wait} (20 s).
	 * @throws InvalidWaitException (400) for anything else
	 */
	public Duration waitOf(String wait) {
		if (wait == null || wait.isEmpty()) {
			return Duration.ZERO;
		}
		Matcher matcher = WAIT.matcher(wait);
		if (!matcher.matches()) {
			throw new InvalidWaitException("'wait' must be a whole number of seconds, such as 20 or 20s, or of "
					+ "milliseconds, such as 500ms; at most " + this.properties.maxWait().toSeconds() + "s");
		}
		long amount = Long.parseLong(matcher.group(1));
		Duration duration = "ms".equals(matcher.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
		if (duration.compareTo(this.properties.maxWait()) > 0) {
			throw new InvalidWaitException(
					"'wait' must be at most " + this.properties.maxWait().toSeconds() + "s; poll again for longer");
		}
		return duration;
	}

	/**
	 * Completes with {@code true} as soon as the job is seen ended (a job no longer
	 * stored waits out its time), with {@code false} after {@code wait}, or sooner at
	 * {@code deadline} (a QUEUED job expires then).
	 * @throws WaitersExceededException (503) if this process has as many waiters as it
	 * may
	 */
	public CompletableFuture<Optional<Job>> untilJobEnds(JobId id, Instant deadline, Duration wait) {
		Duration bounded = wait;
		if (deadline != null) {
			Duration untilDeadline = Duration.between(this.clock.instant(), deadline).plusMillis(1);
			bounded = untilDeadline.isNegative() ? Duration.ZERO
					: (untilDeadline.compareTo(wait) < 0) ? untilDeadline : wait;
		}
		return this.jobs.await(id, bounded, this.waiting);
	}

	/**
	 * Answers at once the clients of this process waiting for {@code job}, if it has
	 * ended: for an end this process made itself (a cancel), which its poll would learn
	 * only later. Other replicas' clients learn of it by their poll.
	 */
	public void jobEnded(Job job) {
		if (job.isTerminal()) {
			this.jobs.ended(job.id(), job);
		}
	}

	/**
	 * Completes with the batch as soon as it is seen ended (COMPLETED, CANCELLED or
	 * FAILED), or empty after {@code wait}.
	 * @throws WaitersExceededException (503) if this process has as many waiters as it
	 * may
	 */
	public CompletableFuture<Optional<Batch>> untilBatchEnds(BatchId id, Duration wait) {
		return this.batches.await(id, wait, this.waiting);
	}

	/** Clients waiting on this process now. */
	public int waiting() {
		return this.waiting.get();
	}

	/** How long a waiting request may take in all: its wait, then its reads. */
	public Duration requestTimeout(Duration wait) {
		return wait.plusSeconds(15);
	}

	/**
	 * Whether this process has its inbox, and is told of the ends its clients wait for.
	 */
	public boolean isTold() {
		return this.inbox != null;
	}

	@Override
	public void destroy() {
		this.closed = true;
		this.scheduler.shutdownNow();
		JobEndInbox open = this.inbox;
		if (open != null) {
			open.close();
		}
	}

	/**
	 * Opens this process's inbox; until it is open (SQS down, or no permission), the
	 * waited-for jobs are polled every {@code poll-interval}, and the opening is tried
	 * again every {@value #INBOX_RETRY_SECONDS} s.
	 */
	private void openInbox() {
		CompletableFuture<JobEndInbox> opened = Futures.call(() -> this.inboxOpener.open());
		opened.whenComplete((inbox, failure) -> {
			if (failure != null) {
				logger.warn("Could not open this API process's inbox for job ends (an SQS queue; it needs "
						+ "sqs:CreateQueue on <jobs queue>-watch-*): polling every {} ms meanwhile, trying again in {} s: {}",
						this.properties.pollInterval().toMillis(), INBOX_RETRY_SECONDS, failure.toString());
				retryInbox();
				return;
			}
			if (this.closed) {
				// Stopped meanwhile; closing waits for the queue's deletion: not on an
				// SDK
				// thread.
				CompletableFuture.runAsync(inbox::close);
				return;
			}
			this.inbox = inbox;
			inbox.open(this.jobs::told);
			this.jobs.tellWith((id) -> this.jobStore.watch(id, inbox.address()), this.properties.inboxPollInterval());
			logger.info("Long polls are told of job ends through inbox {}", inbox.address());
		});
	}

	private void retryInbox() {
		try {
			this.scheduler.schedule(this::openInbox, INBOX_RETRY_SECONDS, TimeUnit.SECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down.
		}
	}

	/**
	 * One projected read of up to 100 jobs' statuses, then one read of those that ended,
	 * whole.
	 */
	private record JobProbe(JobStatuses statuses, JobStore store) implements EndWatcher.Probe<JobId, Job> {

		@Override
		public int maxKeys() {
			return JobStatuses.MAX_IDS;
		}

		@Override
		public CompletableFuture<Map<JobId, Job>> ended(List<JobId> keys) {
			return this.statuses.statuses(keys).thenCompose((found) -> {
				List<JobId> ended = keys.stream()
					.filter((id) -> found.containsKey(id) && found.get(id).isTerminal())
					.toList();
				return ended.isEmpty() ? CompletableFuture.completedFuture(Map.of()) : this.store.findAll(ended);
			});
		}

		@Override
		public CompletableFuture<Map<JobId, Job>> toldEnded(List<JobId> keys) {
			return this.store.findAll(keys).thenApply((found) -> {
				Map<JobId, Job> ended = new HashMap<>(found);
				ended.values().removeIf((job) -> !job.isTerminal());
				return ended;
			});
		}

	}

	/** Reads each batch; at most 25 at once. */
	private record BatchProbe(BatchStore store) implements EndWatcher.Probe<BatchId, Batch> {

		@Override
		public int maxKeys() {
			return 25;
		}

		@Override
		public CompletableFuture<Map<BatchId, Batch>> ended(List<BatchId> keys) {
			List<CompletableFuture<Optional<Batch>>> reads = keys.stream().map(this.store::find).toList();
			return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply((all) -> {
				Map<BatchId, Batch> ended = new HashMap<>();
				for (CompletableFuture<Optional<Batch>> read : reads) {
					read.join().filter(Batch::hasEnded).ifPresent((batch) -> ended.put(batch.id(), batch));
				}
				return ended;
			});
		}

	}

}
