package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.SqsHeaders;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.message.MalformedJobMessageException;
import io.inferq.worker.concurrency.Lane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.messaging.handler.annotation.Header;

/**
 * The listener of both lanes' jobs queues: hands each message to the {@link JobRunner}
 * and acts on its {@link Outcome}: deletes the message once the job's outcome is stored,
 * or makes it visible again after a delay (a retry with backoff, a job another worker
 * holds). Acknowledgement is manual, so nothing is deleted before the outcome is durable.
 * <p>
 * While the runner has the message (waiting for an instance or running), its visibility
 * is extended to the lease every third of the lease (a heartbeat, sent for all held
 * messages of a queue together: {@link VisibilityHeartbeats}), so a message is invisible
 * no longer than the lease after its worker dies, however long it waited.
 * <p>
 * Asynchronous: the returned future completes when the message is dealt with, and the
 * container counts the message as in flight until then. No thread waits for the model.
 */
class JobListener {

	private static final Logger logger = LoggerFactory.getLogger(JobListener.class);

	/**
	 * How soon a message that can never be read comes back: quickly, since its receives
	 * only count towards the dead-letter queue.
	 */
	private static final Duration MALFORMED_MESSAGE_DELAY = Duration.ofSeconds(1);

	/** SQS's longest visibility timeout. */
	private static final Duration MAX_VISIBILITY = Duration.ofSeconds(Visibility.MAX_VISIBILITY_TIMEOUT_SECONDS);

	private final JobRunner runner;

	private final RetryPolicy retryPolicy;

	private final VisibilityHeartbeats heartbeats;

	/**
	 * @param heartbeats keep held messages invisible
	 */
	JobListener(JobRunner runner, RetryPolicy retryPolicy, VisibilityHeartbeats heartbeats) {
		this.runner = runner;
		this.retryPolicy = retryPolicy;
		this.heartbeats = heartbeats;
	}

	@SqsListener(id = "interactive", value = "${inferq.aws.queue-name:inferq-jobs}")
	CompletableFuture<Void> onInteractiveMessage(String body, Acknowledgement acknowledgement, Visibility visibility,
			@Header(name = SqsHeaders.MessageSystemAttributes.SQS_APPROXIMATE_RECEIVE_COUNT,
					required = false) Integer receiveCount,
			@Header(name = SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, required = false) String messageId,
			@Header(SqsHeaders.SQS_QUEUE_URL_HEADER) String queueUrl,
			@Header(SqsHeaders.SQS_RECEIPT_HANDLE_HEADER) String receiptHandle) {
		return onMessage(body, Lane.INTERACTIVE, acknowledgement, visibility, receiveCount, messageId, queueUrl,
				receiptHandle);
	}

	@SqsListener(id = "bulk", value = "${inferq.aws.bulk-queue-name:inferq-jobs-bulk}",
			factory = "bulkSqsListenerContainerFactory")
	CompletableFuture<Void> onBulkMessage(String body, Acknowledgement acknowledgement, Visibility visibility,
			@Header(name = SqsHeaders.MessageSystemAttributes.SQS_APPROXIMATE_RECEIVE_COUNT,
					required = false) Integer receiveCount,
			@Header(name = SqsHeaders.SQS_RAW_MESSAGE_ID_HEADER, required = false) String messageId,
			@Header(SqsHeaders.SQS_QUEUE_URL_HEADER) String queueUrl,
			@Header(SqsHeaders.SQS_RECEIPT_HANDLE_HEADER) String receiptHandle) {
		return onMessage(body, Lane.BULK, acknowledgement, visibility, receiveCount, messageId, queueUrl,
				receiptHandle);
	}

	private CompletableFuture<Void> onMessage(String body, Lane lane, Acknowledgement acknowledgement,
			Visibility visibility, Integer receiveCount, String messageId, String queueUrl, String receiptHandle) {
		int receives = (receiveCount != null) ? receiveCount : 1;
		JobMessage message;
		try {
			message = JobMessageCodec.decode(body);
		}
		catch (MalformedJobMessageException ex) {
			// Never succeeds: its job, if it names one, fails now, and the message comes
			// back soon so that the redrive policy moves it to the dead-letter queue,
			// where it can be inspected.
			logger.warn("Malformed job message {} (job {}, receive {}), leaving it for the dead-letter queue: {}",
					messageId, ex.jobId().map(Object::toString).orElse("unknown"), receives, ex.getMessage());
			CompletableFuture<Void> failed = ex.jobId()
				.map((jobId) -> this.runner.failUnreadable(jobId, body, ex.getMessage()))
				.orElseGet(() -> CompletableFuture.completedFuture(null));
			return failed.handle((ignored, failure) -> {
				if (failure != null) {
					logger.warn("Job {} could not be recorded as FAILED; trying again on the next receive: {}",
							ex.jobId().get(), failure.toString());
				}
				return null;
			}).thenCompose((ignored) -> changeVisibility(visibility, MALFORMED_MESSAGE_DELAY, null));
		}
		VisibilityHeartbeats.Held held = this.heartbeats.hold(queueUrl, receiptHandle);
		return this.runner.run(message, lane, receives).handle((outcome, failure) -> {
			held.release();
			if (failure != null) {
				Duration delay = this.retryPolicy.backoff(receives);
				logger.warn("Job {} could not be run (receive {}), trying again in {}: {}", message.jobId(), receives,
						delay, failure.toString());
				return changeVisibility(visibility, delay, message);
			}
			if (outcome instanceof Outcome.RetryIn retry) {
				return changeVisibility(visibility, retry.delay(), message);
			}
			acknowledge(acknowledgement, message);
			return CompletableFuture.<Void>completedFuture(null);
		}).thenCompose((done) -> done);
	}

	/**
	 * Deletes the message, without holding the listener's slot until the deletion, which
	 * is batched with others, is sent: the job's outcome is stored already, and a message
	 * that comes back is dropped as a duplicate.
	 */
	private static void acknowledge(Acknowledgement acknowledgement, JobMessage message) {
		acknowledgement.acknowledgeAsync().whenComplete((ignored, failure) -> {
			if (failure != null) {
				logger.warn("Job {} message could not be deleted; it will come back and be dropped: {}",
						message.jobId(), failure.toString());
			}
		});
	}

	/**
	 * Makes the message visible again after {@code delay}, rounded up to SQS's whole
	 * seconds and at least 1 s: a sub-second delay must not become a message that comes
	 * back at once.
	 */
	static int visibilitySeconds(Duration delay) {
		long seconds = delay.toSeconds() + ((delay.toNanosPart() > 0) ? 1 : 0);
		return (int) Math.max(1, Math.min(seconds, MAX_VISIBILITY.toSeconds()));
	}

	private static CompletableFuture<Void> changeVisibility(Visibility visibility, Duration delay, JobMessage message) {
		int seconds = visibilitySeconds(delay);
		return visibility.changeToAsync(seconds).exceptionally((failure) -> {
			// The message comes back when its current visibility timeout ends instead.
			logger.warn("Job {} message visibility could not be changed: {}",
					(message != null) ? message.jobId() : "(unknown)", failure.toString());
			return null;
		});
	}

}
