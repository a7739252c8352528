package io.inferq.worker.webhooks;

import java.time.Duration;
import java.util.List;

import io.inferq.webhook.AddressPolicy;
import io.inferq.webhook.sqs.WebhookQueues;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the worker delivers webhooks ({@value #PREFIX}).
 *
 * @param queueName the delivery queue
 * @param deadLetterQueueName where deliveries go after
 * {@link WebhookQueues#MAX_RECEIVE_COUNT} failed attempts
 * @param allowedAddresses CIDR blocks webhooks may go to although not public (for example
 * {@code 127.0.0.1/32} in tests, {@code 10.0.0.0/8} for receivers inside the VPC); empty
 * by default: public addresses only
 * @param timeout the longest a delivery may take: connect, send and the response's head
 * @param maxConcurrentDeliveries deliveries in flight at once per worker
 * @param initialBackoff the wait after a first failed delivery; doubles with each
 * @param maxBackoff the longest wait between attempts
 * @param sweepInterval how often the sweeper looks for events owed (jittered by ±20 %)
 * @param sweepAfter how old an outbox mark must be before the sweeper re-queues its
 * event: longer than a relay normally takes
 * @param haltAfterOutcomes fault injection for tests: the worker halts (as SIGKILL) right
 * after storing its n-th outcome that owes an event, before queuing it; 0 (the default)
 * never
 */
@ConfigurationProperties(WebhookProperties.PREFIX)
record WebhookProperties(@DefaultValue(WebhookQueues.DEFAULT_NAME) String queueName,
		@DefaultValue(WebhookQueues.DEFAULT_DLQ_NAME) String deadLetterQueueName,
		@DefaultValue List<String> allowedAddresses, @DefaultValue("10s") Duration timeout,
		@DefaultValue("32") int maxConcurrentDeliveries, @DefaultValue("5s") Duration initialBackoff,
		@DefaultValue("15m") Duration maxBackoff, @DefaultValue("10s") Duration sweepInterval,
		@DefaultValue("5s") Duration sweepAfter, @DefaultValue("0") int haltAfterOutcomes) {

	static final String PREFIX = "inferq.worker.webhooks";

	WebhookProperties {
		if (timeout.toMillis() < 1000 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
			throw new IllegalArgumentException(
					PREFIX + ".timeout must be from 1s to 1m, for example 10s; was " + timeout);
		}
		if (maxConcurrentDeliveries < 1) {
			throw new IllegalArgumentException(PREFIX + ".max-concurrent-deliveries must be at least 1");
		}
		if (initialBackoff.toMillis() < 1000 || maxBackoff.compareTo(initialBackoff) < 0) {
			throw new IllegalArgumentException(PREFIX + ".initial-backoff must be at least 1s and max-backoff at least"
					+ " as long, for example 5s and 15m");
		}
		if (sweepInterval.toMillis() < 100 || sweepAfter.isNegative()) {
			throw new IllegalArgumentException(PREFIX + ".sweep-interval must be at least 100ms and sweep-after not "
					+ "negative, for example 10s and 5s");
		}
		// Fails at start with the block that is not one.
		AddressPolicy.allowing(allowedAddresses);
	}

	/**
	 * How long a received delivery stays invisible: three times the timeout, so that it
	 * comes back soon after its worker died, and never while one still works on it.
	 */
	Duration visibility() {
		return this.timeout.multipliedBy(3);
	}

	AddressPolicy addressPolicy() {
		return AddressPolicy.allowing(this.allowedAddresses);
	}

	/** The wait before attempt {@code receives + 1}: doubling, capped. */
	Duration backoff(int receives) {
		int doublings = Math.max(0, Math.min(receives - 1, 20));
		Duration wait = this.initialBackoff.multipliedBy(1L << doublings);
		return (wait.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : wait;
	}

}
