package io.inferq.api.watch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How clients wait for jobs and batches to end ({@code ?wait=}) and follow a batch's
 * progress (Server-Sent Events).
 *
 * @param maxWait the longest {@code wait} a request may ask for; longer ones are refused
 * with 400. Below the 60 s an AWS load balancer keeps an idle connection
 * @param pollInterval how often one API process reads the status of every job and batch
 * its waiting clients wait for (all of them together); for jobs, only while it has no
 * inbox
 * @param inbox whether this API process has an inbox (an SQS queue of its own, created at
 * start and deleted at stop) through which whoever ends a job its clients wait for tells
 * it so; needs {@code sqs:CreateQueue} and {@code sqs:DeleteQueue} on
 * {@code <jobs queue>-watch-*}
 * @param inboxPollInterval how often the waited-for jobs are read all the same while this
 * process has an inbox, for ends it was not told of
 * @param maxWaiters the most requests one API process keeps waiting at once; beyond, 503
 * with {@code Retry-After}. Each holds a connection (not a thread): keep it below
 * {@code server.tomcat.max-connections}
 * @param progressInterval how often a batch's progress is read for its subscribers, and
 * the least time between two {@code progress} events
 * @param maxSubscribers the most progress streams one API process serves at once; beyond,
 * 503 with {@code Retry-After}
 * @param maxStream the longest one progress stream lasts; the client reconnects after
 */
@ConfigurationProperties(WatchProperties.PREFIX)
public record WatchProperties(@DefaultValue("20s") Duration maxWait, @DefaultValue("200ms") Duration pollInterval,
		@DefaultValue("true") boolean inbox, @DefaultValue("5s") Duration inboxPollInterval,
		@DefaultValue("1200") int maxWaiters, @DefaultValue("1s") Duration progressInterval,
		@DefaultValue("1000") int maxSubscribers, @DefaultValue("30m") Duration maxStream) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.api.watch";

	public WatchProperties {
		if (maxWait.isNegative() || maxWait.isZero() || maxWait.compareTo(Duration.ofSeconds(55)) > 0) {
			throw new IllegalArgumentException(
					PREFIX + ".max-wait must be between 1ms and 55s, for example 20s; was " + maxWait);
		}
		if (pollInterval.toMillis() < 10 || inboxPollInterval.toMillis() < 10 || progressInterval.toMillis() < 100) {
			throw new IllegalArgumentException(PREFIX + ".poll-interval and inbox-poll-interval must be at least 10ms "
					+ "(for example 200ms and 5s) and " + PREFIX
					+ ".progress-interval at least 100ms (for example 1s); were " + pollInterval + ", "
					+ inboxPollInterval + " and " + progressInterval);
		}
		if (maxWaiters < 1 || maxSubscribers < 1) {
			throw new IllegalArgumentException(PREFIX + ".max-waiters and max-subscribers must be at least 1; were "
					+ maxWaiters + " and " + maxSubscribers);
		}
		if (maxStream.toSeconds() < 1) {
			throw new IllegalArgumentException(
					PREFIX + ".max-stream must be at least 1s, for example 30m; was " + maxStream);
		}
	}

}
