package io.inferq.message.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.inferq.job.JobId;
import io.inferq.store.JobWatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Tells watchers through their inboxes ({@link SqsJobEndInbox}). The ends told to one
 * inbox within {@value #LINGER_MILLIS} ms travel together: one {@code SendMessage} of up
 * to {@value #MAX_IDS_PER_MESSAGE} job IDs, one per line, so that a busy worker sends a
 * message per inbox per few dozen ends, not one per end. {@link #tell} only queues (it
 * runs on the store's response thread). Only queues named as inboxes of this deployment
 * are told, whatever an item holds. A send that fails (an inbox whose replica is gone) is
 * dropped: its clients, if any, still poll.
 */
public class SqsJobWatchers implements JobWatchers, AutoCloseable {

	/** How long an end waits for others to the same inbox, in milliseconds. */
	static final long LINGER_MILLIS = 20;

	/** The most job IDs in one message: 200 x 65 characters stay far below 256 KiB. */
	static final int MAX_IDS_PER_MESSAGE = 200;

	private static final Logger logger = LoggerFactory.getLogger(SqsJobWatchers.class);

	private final SqsAsyncClient sqs;

	private final String inboxPrefix;

	private final Map<String, List<JobId>> pending = new ConcurrentHashMap<>();

	private final ScheduledExecutorService linger = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "inferq-job-watchers");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * @param jobsQueueName the jobs queue's name, which the inboxes' names start with
	 * ({@link SqsJobEndInbox#namePrefix})
	 */
	public SqsJobWatchers(SqsAsyncClient sqs, String jobsQueueName) {
		this.sqs = sqs;
		this.inboxPrefix = SqsJobEndInbox.namePrefix(jobsQueueName);
	}

	@Override
	public void tell(JobId id, Set<String> watchers) {
		for (String watcher : watchers) {
			if (!SqsJobEndInbox.queueName(watcher).startsWith(this.inboxPrefix)) {
				logger.warn("Job {}: not telling watcher {}, which is not an inbox of this deployment", id, watcher);
				continue;
			}
			boolean[] first = new boolean[1];
			this.pending.compute(watcher, (inbox, ids) -> {
				List<JobId> queued = (ids != null) ? ids : new ArrayList<>();
				first[0] = (ids == null);
				queued.add(id);
				return queued;
			});
			if (first[0]) {
				try {
					this.linger.schedule(() -> send(watcher), LINGER_MILLIS, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					send(watcher);
				}
			}
		}
	}

	/** Sends what is still queued, now. */
	@Override
	public void close() {
		this.linger.shutdownNow();
		List.copyOf(this.pending.keySet()).forEach(this::send);
	}

	private void send(String watcher) {
		List<JobId> ids = this.pending.remove(watcher);
		if (ids == null) {
			return;
		}
		for (int from = 0; from < ids.size(); from += MAX_IDS_PER_MESSAGE) {
			List<JobId> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_MESSAGE));
			StringBuilder body = new StringBuilder(chunk.size() * 24);
			for (JobId id : chunk) {
				body.append(id.value()).append('\n');
			}
			int count = chunk.size();
			this.sqs.sendMessage((request) -> request.queueUrl(watcher).messageBody(body.toString()))
				.whenComplete((sent, failure) -> {
					if (failure != null) {
						logger.debug("Could not tell watcher {} that {} jobs ended: {}", watcher, count,
								failure.toString());
					}
				});
		}
	}

}
