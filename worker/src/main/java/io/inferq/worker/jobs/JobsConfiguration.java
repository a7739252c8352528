package io.inferq.worker.jobs;

import java.time.Clock;
import java.time.Duration;

import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.worker.config.WorkerProperties;
import io.inferq.worker.inference.ConcurrencyLimiter;
import io.inferq.worker.inference.InferenceClient;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job runner and the queue listener that feeds it.
 */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

	/**
	 * How late a worker may notice that a batch was cancelled, and so how often it looks
	 * a busy batch up.
	 */
	private static final Duration BATCH_FRESHNESS = Duration.ofSeconds(2);

	@Bean
	RetryPolicy retryPolicy(WorkerProperties properties) {
		return new RetryPolicy(properties.maxAttempts(), properties.initialBackoff(), properties.maxBackoff());
	}

	@Bean
	BatchCancellations batchCancellations(BatchStore batches) {
		return new BatchCancellations(batches::find, BATCH_FRESHNESS);
	}

	@Bean
	JobRunner jobRunner(JobStore store, BatchCancellations batchCancellations, InferenceClient inference,
			ConcurrencyLimiter limiter, RetryPolicy retryPolicy, WorkerProperties properties, Clock clock,
			MeterRegistry meters) {
		return new JobRunner(store, batchCancellations, inference, limiter, retryPolicy, properties.lease(),
				properties.timeToStart(), clock, meters);
	}

	@Bean
	ListenersHealthIndicator sqsListenersHealthIndicator(MessageListenerContainerRegistry containers) {
		return new ListenersHealthIndicator(containers);
	}

	@Bean
	JobListener jobListener(JobRunner runner, RetryPolicy retryPolicy) {
		return new JobListener(runner, retryPolicy);
	}

}
