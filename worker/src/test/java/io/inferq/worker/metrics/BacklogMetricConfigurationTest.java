package io.inferq.worker.metrics;

import java.net.URI;
import java.time.Clock;
import java.util.UUID;
import java.util.function.IntSupplier;

import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.sqs.SqsAutoConfiguration;
import io.inferq.config.InferqAwsProperties;
import io.inferq.infra.local.LocalAws;
import io.inferq.worker.config.WorkerProperties;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backlog metric's wiring, with the stand-ins' SQS: off unless enabled; when enabled,
 * it reads both lanes' queues and takes the instance count from the
 * {@code currentEndpointInstances} bean. Nothing here calls CloudWatch (the interval is
 * an hour).
 */
class BacklogMetricConfigurationTest {

	private static final URI CLOUDWATCH = URI.create("http://127.0.0.1:4566");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AwsAutoConfiguration.class, CredentialsProviderAutoConfiguration.class,
				RegionProviderAutoConfiguration.class, SqsAutoConfiguration.class))
		.withUserConfiguration(BacklogMetricConfiguration.class)
		.withPropertyValues(LocalAws.shared()
			.springProperties()
			.entrySet()
			.stream()
			.map((property) -> property.getKey() + "=" + property.getValue())
			.toArray(String[]::new))
		.withPropertyValues("inferq.worker.endpoint-name=my-endpoint", "inferq.worker.backlog-metric.interval=1h",
				"spring.cloud.aws.cloudwatch.endpoint=" + CLOUDWATCH);

	@Test
	void backlogMetric_shouldBeOffByDefault() {
		this.runner.withUserConfiguration(WorkerBeans.class).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(BacklogMetricPublisher.class)
				.doesNotHaveBean(CloudWatchAsyncClient.class);
		});
	}

	@Test
	void backlogMetric_shouldReadBothLanesQueuesWhenEnabled() {
		String queue = "inferq-metric-" + UUID.randomUUID();
		LocalAws aws = LocalAws.shared();
		try (SqsAsyncClient sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build()) {
			for (String name : new String[] { queue, queue + "-bulk" }) {
				String url = sqs.createQueue((request) -> request.queueName(name)).join().queueUrl();
				sqs.sendMessage((request) -> request.queueUrl(url).messageBody("{\"jobId\":\"1\"}")).join();
			}
		}
		this.runner.withUserConfiguration(WorkerBeans.class)
			.withPropertyValues("inferq.worker.backlog-metric.enabled=true", "inferq.aws.queue-name=" + queue,
					"inferq.aws.bulk-queue-name=" + queue + "-bulk")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(BacklogMetricPublisher.class)
					.hasSingleBean(CloudWatchBacklogMetricWriter.class);
				assertThat(context.getBean(BacklogReader.class).waitingMessages().join()).isEqualTo(2);
				assertThat(context.getBean(CloudWatchAsyncClient.class).serviceClientConfiguration().endpointOverride())
					.contains(CLOUDWATCH);
			});
	}

	@Test
	void backlogMetric_shouldNeedTheCurrentEndpointInstancesBean() {
		this.runner.withUserConfiguration(WorkerBeansWithoutInstances.class)
			.withPropertyValues("inferq.worker.backlog-metric.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(NoSuchBeanDefinitionException.class)
				.hasMessageContaining(BacklogMetricConfiguration.CURRENT_ENDPOINT_INSTANCES));
	}

	/**
	 * What the rest of the worker provides: its properties, a clock, and the current
	 * instance count (besides another {@link IntSupplier}, which must not be taken for
	 * it).
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ InferqAwsProperties.class, WorkerProperties.class })
	static class WorkerBeansWithoutInstances {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

		@Bean
		IntSupplier somethingElse() {
			return () -> -1;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WorkerBeans extends WorkerBeansWithoutInstances {

		@Bean
		IntSupplier currentEndpointInstances() {
			return () -> 4;
		}

	}

}
