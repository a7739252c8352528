package io.inferq.worker.metrics;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.metrics.CloudWatchProperties;
import io.inferq.config.AwsHttpClients;
import io.inferq.config.InferqAwsProperties;
import io.inferq.worker.config.WorkerProperties;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Publishes the backlog per endpoint instance when
 * {@code inferq.worker.backlog-metric.enabled} is set: the jobs queues of both lanes
 * through the worker's SQS client, the endpoint's current instance count from the
 * {@value #CURRENT_ENDPOINT_INSTANCES} bean, CloudWatch through a client configured like
 * the others ({@code spring.cloud.aws.*}, {@code spring.cloud.aws.cloudwatch.endpoint}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(BacklogMetricProperties.PREFIX + ".enabled")
@EnableConfigurationProperties({ BacklogMetricProperties.class, CloudWatchProperties.class })
class BacklogMetricConfiguration {

	/**
	 * The name of the {@link IntSupplier} bean that answers, at once, how many instances
	 * the endpoint runs now, for the whole cluster of workers.
	 */
	static final String CURRENT_ENDPOINT_INSTANCES = "currentEndpointInstances";

	@Bean
	SqsBacklogReader backlogReader(SqsAsyncClient sqs, InferqAwsProperties aws) {
		return new SqsBacklogReader(sqs, List.of(aws.queueName(), aws.bulkQueueName()));
	}

	@Bean(destroyMethod = "close")
	CloudWatchAsyncClient cloudWatchClient(AwsClientBuilderConfigurer configurer, CloudWatchProperties properties) {
		return configurer.configure(CloudWatchAsyncClient.builder(), properties, null)
			.httpClientBuilder(AwsHttpClients.netty())
			.build();
	}

	@Bean
	CloudWatchBacklogMetricWriter backlogMetricWriter(CloudWatchAsyncClient cloudWatch, WorkerProperties worker) {
		return new CloudWatchBacklogMetricWriter(cloudWatch, worker.endpointName());
	}

	@Bean
	BacklogMetricPublisher backlogMetricPublisher(BacklogReader backlogReader,
			@Qualifier(CURRENT_ENDPOINT_INSTANCES) IntSupplier currentEndpointInstances,
			BacklogMetricWriter backlogMetricWriter, Clock clock, BacklogMetricProperties properties) {
		return new BacklogMetricPublisher(backlogReader, currentEndpointInstances, backlogMetricWriter, clock,
				properties.interval());
	}

	/** Runs the publisher every interval, the first time one interval after start. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService backlogMetricScheduler(BacklogMetricPublisher publisher,
			BacklogMetricProperties properties) {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "backlog-metric");
			thread.setDaemon(true);
			return thread;
		});
		long period = properties.interval().toMillis();
		scheduler.scheduleAtFixedRate(publisher, period, period, TimeUnit.MILLISECONDS);
		return scheduler;
	}

}
