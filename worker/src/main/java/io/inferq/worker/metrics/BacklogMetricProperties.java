package io.inferq.worker.metrics;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The backlog per endpoint instance that the worker publishes to CloudWatch for the
 * endpoint's autoscaling (see {@link BacklogMetricPublisher}).
 *
 * @param enabled whether to publish it; the deployment template turns it on
 * @param interval how often; CloudWatch stores one data point a minute (standard
 * resolution) and averages those that arrive within it
 */
@ConfigurationProperties(BacklogMetricProperties.PREFIX)
record BacklogMetricProperties(@DefaultValue("false") boolean enabled, @DefaultValue("60s") Duration interval) {

	/** The prefix of these properties. */
	static final String PREFIX = "inferq.worker.backlog-metric";

	BacklogMetricProperties {
		if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException(PREFIX + ".interval must be at least 1s, not " + interval);
		}
	}

}
