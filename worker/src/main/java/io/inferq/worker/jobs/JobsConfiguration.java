package io.inferq.worker.jobs;

import java.time.Clock;

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

	@Bean
	RetryPolicy retryPolicy(WorkerProperties properties) {
		return new RetryPolicy(properties.maxAttempts(), properties.initialBackoff(), properties.maxBackoff());
	}

	@Bean
	JobRunner jobRunner(JobStore store, InferenceClient inference, ConcurrencyLimiter limiter, RetryPolicy retryPolicy,
			WorkerProperties properties, Clock clock, MeterRegistry meters) {
		return new JobRunner(store, inference, limiter, retryPolicy, properties.lease(), properties.timeToStart(),
				clock, meters);
	}

	@Bean
	JobListener jobListener(JobRunner runner, RetryPolicy retryPolicy) {
		return new JobListener(runner, retryPolicy);
	}

}
