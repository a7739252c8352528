package io.inferq.message.sqs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.inferq.concurrent.Futures;
import io.inferq.job.JobId;
import io.inferq.message.JobEndInbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * {@link JobEndInbox} on an SQS queue of its own, {@code <jobs queue>-watch-<16 hex>},
 * created when the replica starts and deleted when it stops. A message holds job IDs, one
 * per line ({@link SqsJobWatchers}). Two long polls ({@code ReceiveMessage}, 20 s, 10
 * messages) run at once, so that one is always waiting while the other hands over what it
 * got; each batch received is deleted with one {@code DeleteMessageBatch}. Messages live
 * 60 s (SQS's least retention): an end nobody heard of in that time is found by the
 * clients' own polling.
 * <p>
 * A replica that dies leaves its queue behind. So every hour each inbox touches its queue
 * ({@code SetQueueAttributes}, which moves its {@code LastModifiedTimestamp}) and deletes
 * the inboxes of this deployment not touched for {@value #STALE_HOURS} hours. An inbox
 * whose queue was deleted from under it creates it again under the same name, so watchers
 * registered with its address still reach it.
 */
public final class SqsJobEndInbox implements JobEndInbox {

	/** How often an inbox touches its queue and sweeps the stale ones. */
	static final Duration TOUCH_INTERVAL = Duration.ofHours(1);

	/** After how long without a touch an inbox counts as its replica's leftover. */
	static final int STALE_HOURS = 6;

	private static final int RECEIVERS = 2;

	private static final Duration RECEIVE_WAIT = Duration.ofSeconds(20);

	private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);

	private static final Map<QueueAttributeName, String> ATTRIBUTES = Map.of(
			QueueAttributeName.MESSAGE_RETENTION_PERIOD, "60", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
			Long.toString(RECEIVE_WAIT.toSeconds()), QueueAttributeName.VISIBILITY_TIMEOUT, "30");

	/** SQS's limit on a queue name's length. */
	private static final int MAX_QUEUE_NAME = 80;

	private static final Logger logger = LoggerFactory.getLogger(SqsJobEndInbox.class);

	private final SqsAsyncClient sqs;

	private final String jobsQueueName;

	private final String queueName;

	private final String queueUrl;

	private volatile boolean closed;

	private SqsJobEndInbox(SqsAsyncClient sqs, String jobsQueueName, String queueName, String queueUrl) {
		this.sqs = sqs;
		this.jobsQueueName = jobsQueueName;
		this.queueName = queueName;
		this.queueUrl = queueUrl;
	}

	/**
	 * Creates a new inbox for a replica of the deployment whose jobs queue is
	 * {@code jobsQueueName}.
	 * @throws IllegalArgumentException if the inbox's name would exceed SQS's 80
	 * characters
	 */
	public static CompletableFuture<SqsJobEndInbox> create(SqsAsyncClient sqs, String jobsQueueName) {
		byte[] random = new byte[8];
		ThreadLocalRandom.current().nextBytes(random);
		String name = namePrefix(jobsQueueName) + HexFormat.of().formatHex(random);
		if (name.length() > MAX_QUEUE_NAME) {
			throw new IllegalArgumentException(
					"The jobs queue's name '" + jobsQueueName + "' is too long to name its replicas' inboxes after it ("
							+ name.length() + " > " + MAX_QUEUE_NAME + " characters)");
		}
		return createQueue(sqs, name).thenApply((url) -> new SqsJobEndInbox(sqs, jobsQueueName, name, url));
	}

	/**
	 * What the names of the inboxes of the deployment with that jobs queue start with.
	 */
	public static String namePrefix(String jobsQueueName) {
		return jobsQueueName + "-watch-";
	}

	/** The queue name at the end of a queue URL. */
	static String queueName(String queueUrl) {
		return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
	}

	@Override
	public String address() {
		return this.queueUrl;
	}

	@Override
	public void open(Consumer<List<JobId>> ended) {
		for (int i = 0; i < RECEIVERS; i++) {
			receive(ended);
		}
		touchLater();
		sweep();
	}

	/** Deletes the queue, waiting for it up to 5 s (the SQS client closes after). */
	@Override
	public void close() {
		this.closed = true;
		try {
			this.sqs.deleteQueue((request) -> request.queueUrl(this.queueUrl)).get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Could not delete inbox {} (another replica deletes it within {} hours): {}", this.queueName,
					STALE_HOURS, ex.toString());
		}
	}

	private void receive(Consumer<List<JobId>> ended) {
		if (this.closed) {
			return;
		}
		this.sqs
			.receiveMessage((request) -> request.queueUrl(this.queueUrl)
				.maxNumberOfMessages(10)
				.waitTimeSeconds((int) RECEIVE_WAIT.toSeconds())
				// Above the client's timeouts, sized for calls that do not wait.
				.overrideConfiguration((call) -> call.apiCallAttemptTimeout(RECEIVE_WAIT.plusSeconds(5))
					.apiCallTimeout(RECEIVE_WAIT.plusSeconds(10))))
			.whenComplete((response, failure) -> {
				if (this.closed) {
					return;
				}
				if (failure != null) {
					retry(ended, Futures.unwrap(failure));
					return;
				}
				hand(response, ended);
				receive(ended);
			});
	}

	private void hand(ReceiveMessageResponse response, Consumer<List<JobId>> ended) {
		if (!response.hasMessages() || response.messages().isEmpty()) {
			return;
		}
		List<JobId> ids = new ArrayList<>();
		List<DeleteMessageBatchRequestEntry> received = new ArrayList<>();
		for (Message message : response.messages()) {
			for (String line : message.body().split("\n")) {
				if (JobId.isValid(line)) {
					ids.add(new JobId(line));
				}
			}
			received.add(DeleteMessageBatchRequestEntry.builder()
				.id(Integer.toString(received.size()))
				.receiptHandle(message.receiptHandle())
				.build());
		}
		try {
			ended.accept(ids);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not hand {} ended jobs over from inbox {}", ids.size(), this.queueName, ex);
		}
		this.sqs.deleteMessageBatch((request) -> request.queueUrl(this.queueUrl).entries(received))
			.whenComplete((deleted, failure) -> {
				if (failure != null) {
					logger.debug("Could not delete {} messages from inbox {}: {}", received.size(), this.queueName,
							failure.toString());
				}
			});
	}

	private void retry(Consumer<List<JobId>> ended, Throwable failure) {
		Executor later = CompletableFuture.delayedExecutor(AFTER_FAILURE.toMillis(), TimeUnit.MILLISECONDS);
		if (failure instanceof QueueDoesNotExistException) {
			logger.warn("Inbox {} was deleted from under this replica; creating it again", this.queueName);
			later.execute(() -> createQueue(this.sqs, this.queueName).whenComplete((url, again) -> receive(ended)));
			return;
		}
		logger.warn("Could not receive from inbox {}; trying again in {} ms: {}", this.queueName,
				AFTER_FAILURE.toMillis(), failure.toString());
		later.execute(() -> receive(ended));
	}

	private void touchLater() {
		CompletableFuture.delayedExecutor(TOUCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
			if (this.closed) {
				return;
			}
			this.sqs.setQueueAttributes((request) -> request.queueUrl(this.queueUrl).attributes(ATTRIBUTES))
				.whenComplete((touched, failure) -> {
					if (failure != null) {
						logger.warn("Could not touch inbox {}: {}", this.queueName, failure.toString());
					}
					sweep();
					touchLater();
				});
		});
	}

	/** Deletes the inboxes of this deployment left by replicas gone for hours. */
	private void sweep() {
		long staleBefore = Instant.now().minus(Duration.ofHours(STALE_HOURS)).getEpochSecond();
		this.sqs.listQueues((request) -> request.queueNamePrefix(namePrefix(this.jobsQueueName)).maxResults(1000))
			.thenAccept((listed) -> listed.queueUrls()
				.stream()
				.filter((url) -> !url.equals(this.queueUrl))
				.forEach((url) -> this.sqs.getQueueAttributes(
						(request) -> request.queueUrl(url).attributeNames(QueueAttributeName.LAST_MODIFIED_TIMESTAMP))
					.thenCompose((attributes) -> {
						String touched = attributes.attributes().get(QueueAttributeName.LAST_MODIFIED_TIMESTAMP);
						if (touched == null || Long.parseLong(touched) >= staleBefore) {
							return CompletableFuture.completedFuture(null);
						}
						logger.info("Deleting inbox {}, untouched for more than {} hours: its replica is gone",
								queueName(url), STALE_HOURS);
						return this.sqs.deleteQueue((request) -> request.queueUrl(url)).thenApply((deleted) -> null);
					})))
			.whenComplete((swept, failure) -> {
				if (failure != null) {
					logger.debug("Could not sweep stale inboxes: {}", failure.toString());
				}
			});
	}

	private static CompletableFuture<String> createQueue(SqsAsyncClient sqs, String name) {
		return sqs.createQueue((request) -> request.queueName(name).attributes(ATTRIBUTES))
			.thenApply((created) -> created.queueUrl());
	}

}
