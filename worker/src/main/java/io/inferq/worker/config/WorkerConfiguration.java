package io.inferq.worker.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.sqs.MessageExecutionThreadFactory;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.BackPressureMode;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.inferq.config.InferqAwsConfiguration;
import io.inferq.worker.inference.CapacityFollower;
import io.inferq.worker.inference.ConcurrencyLimiter;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.Lane;
import io.inferq.worker.inference.SageMakerEndpointCapacity;
import io.inferq.worker.inference.OutputGateInterceptor;
import io.inferq.worker.inference.SageMakerInferenceClient;
import io.inferq.worker.payloads.ByteBudget;
import io.inferq.worker.payloads.ClaimCheckInferenceClient;
import io.inferq.payload.PayloadStore;
import io.inferq.config.InferqAwsProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.sagemaker.SageMakerAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClientBuilder;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.retry.backoff.BackOffPolicy;
import org.springframework.retry.backoff.ExponentialBackOffPolicy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The worker's wiring: the SageMaker client, the concurrency limit, and the SQS listener
 * container sized so that the endpoint is never sent more than it serves, yet always has
 * work while messages wait.
 */
@Configuration(proxyBeanMethods = false)
@Import(InferqAwsConfiguration.class)
class WorkerConfiguration {

	/**
	 * How long the container waits for a full batch of free slots before it polls for as
	 * many messages as there are free slots. Short, so that a slot never stays empty
	 * while messages wait in the queue.
	 */
	private static final Duration MAX_DELAY_BETWEEN_POLLS = Duration.ofMillis(50);

	/** How long a stopping worker gives acknowledgements still to be sent. */
	private static final Duration ACKNOWLEDGEMENT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Threads per listener container that hand messages to the (asynchronous) listener.
	 */
	private static final int LISTENER_THREADS = 4;

	/** SQS's largest receive batch. */
	private static final int MAX_MESSAGES_PER_POLL = 10;

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean(destroyMethod = "close")
	SageMakerRuntimeAsyncClient sageMakerRuntimeClient(AwsClientBuilderConfigurer configurer,
			WorkerProperties properties) {
		SageMakerRuntimeAsyncClientBuilder builder = overrideEndpoint(
				configurer.configure(SageMakerRuntimeAsyncClient.builder()), properties);
		return builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()
			// Above the in-flight limit, so that no invocation ever waits for a
			// connection.
			.maxConcurrency(2 * properties.maxInFlight() + 16)
			.readTimeout(properties.invocationTimeout())
			.connectionAcquisitionTimeout(Duration.ofSeconds(10)))
			// Retries go through the queue with backoff; SDK retries on top would
			// multiply them.
			.overrideConfiguration((client) -> client.apiCallTimeout(properties.invocationTimeout())
				.retryStrategy(AwsRetryStrategy.doNotRetry())
				// Outputs are read once the payload budget has room for them.
				.addExecutionInterceptor(new OutputGateInterceptor()))
			.build();
	}

	/**
	 * The SageMaker endpoint, with inputs and outputs kept in S3 fetched and stored
	 * around each invocation within the worker's payload memory.
	 */
	@Bean
	InferenceClient inferenceClient(SageMakerRuntimeAsyncClient sageMaker, WorkerProperties properties,
			PayloadStore payloads, ByteBudget payloadBudget, InferqAwsProperties aws) {
		return new ClaimCheckInferenceClient(new SageMakerInferenceClient(sageMaker, properties.endpointName()),
				payloads, payloadBudget, aws.payloads().maxSize().toBytes(),
				aws.payloads().inlineThreshold().toBytes());
	}

	@Bean
	ByteBudget payloadBudget(WorkerProperties properties, MeterRegistry meters) {
		ByteBudget budget = new ByteBudget(properties.payloadMemory().toBytes());
		Gauge.builder("inferq.worker.payloads.bytes-held", budget, ByteBudget::held).register(meters);
		Gauge.builder("inferq.worker.payloads.waiting", budget, ByteBudget::waiting).register(meters);
		return budget;
	}

	@Bean
	ConcurrencyLimiter concurrencyLimiter(WorkerProperties properties, MeterRegistry meters) {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(properties.maxInFlight(), properties.interactiveShare());
		for (Lane lane : Lane.values()) {
			String tag = lane.name().toLowerCase(Locale.ROOT);
			Gauge.builder("inferq.worker.invocations.in-flight", limiter, (limit) -> limit.inUse(lane))
				.tag("lane", tag)
				.register(meters);
			Gauge.builder("inferq.worker.invocations.waiting", limiter, (limit) -> limit.waiting(lane))
				.tag("lane", tag)
				.register(meters);
		}
		Gauge.builder("inferq.worker.invocations.limit", limiter, ConcurrencyLimiter::limit).register(meters);
		return limiter;
	}

	/**
	 * The interactive lane's listener container: it holds up to the in-flight limit plus
	 * the prefetch in messages, so that when an invocation ends another job is already
	 * started and waiting for the free instance; the limiter, not the container, caps
	 * what reaches the endpoint.
	 */
	@Bean
	SqsMessageListenerContainerFactory<Object> defaultSqsListenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, ThreadPoolTaskExecutor interactiveListenerThreads) {
		return listenerContainerFactory(sqs, properties, interactiveListenerThreads);
	}

	/**
	 * The bulk lane's listener container, sized like the interactive one: its own slots,
	 * so that bulk messages never keep interactive ones from being received.
	 */
	@Bean
	SqsMessageListenerContainerFactory<Object> bulkSqsListenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, ThreadPoolTaskExecutor bulkListenerThreads) {
		return listenerContainerFactory(sqs, properties, bulkListenerThreads);
	}

	private static SqsMessageListenerContainerFactory<Object> listenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, TaskExecutor listenerThreads) {
		int held = properties.maxInFlight() + properties.prefetch();
		return SqsMessageListenerContainerFactory.builder()
			.sqsAsyncClient(sqs)
			.configure((options) -> options.maxConcurrentMessages(held)
				.maxMessagesPerPoll(Math.min(MAX_MESSAGES_PER_POLL, held))
				.pollTimeout(properties.pollTimeout())
				.maxDelayBetweenPolls(MAX_DELAY_BETWEEN_POLLS)
				.pollBackOffPolicy(pollBackOff())
				.componentsTaskExecutor(listenerThreads)
				.backPressureMode(BackPressureMode.FIXED_HIGH_THROUGHPUT)
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				.messageVisibility(properties.lease())
				.messageSystemAttributeNames(List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
				.listenerShutdownTimeout(properties.invocationTimeout().plusSeconds(5))
				.acknowledgementShutdownTimeout(ACKNOWLEDGEMENT_SHUTDOWN_TIMEOUT))
			.build();
	}

	/**
	 * Follows the endpoint's instance count when
	 * {@code inferq.worker.follow-endpoint-capacity} is set; the container holds messages
	 * for at most {@code instances} (the most the endpoint scales to) times the requests
	 * per instance.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(WorkerProperties.PREFIX + ".follow-endpoint-capacity")
	static class FollowEndpointCapacity {

		@Bean(destroyMethod = "close")
		SageMakerAsyncClient sageMakerClient(AwsClientBuilderConfigurer configurer, WorkerProperties properties) {
			return overrideEndpoint(configurer.configure(SageMakerAsyncClient.builder()), properties).build();
		}

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService capacityFollower(SageMakerAsyncClient sageMaker, ConcurrencyLimiter limiter,
				WorkerProperties properties) {
			CapacityFollower follower = new CapacityFollower(
					new SageMakerEndpointCapacity(sageMaker, properties.endpointName()), limiter,
					properties.requestsPerInstance(), properties::maxInFlight);
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "capacity-follower");
				thread.setDaemon(true);
				return thread;
			});
			long period = properties.capacityRefreshInterval().toMillis();
			scheduler.scheduleWithFixedDelay(follower, 0, period, TimeUnit.MILLISECONDS);
			return scheduler;
		}

	}

	/**
	 * The threads that hand messages to the listener. The listener returns at once (its
	 * future completes later), so a few threads serve any number of messages in flight;
	 * the container's default, one thread per message it may hold, would grow with the
	 * endpoint's capacity.
	 */
	private static ThreadPoolTaskExecutor listenerThreads(String lane) {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setThreadFactory(new MessageExecutionThreadFactory("inferq-" + lane + "-listener-"));
		executor.setCorePoolSize(LISTENER_THREADS);
		executor.setMaxPoolSize(LISTENER_THREADS);
		return executor;
	}

	@Bean
	ThreadPoolTaskExecutor interactiveListenerThreads() {
		return listenerThreads("interactive");
	}

	@Bean
	ThreadPoolTaskExecutor bulkListenerThreads() {
		return listenerThreads("bulk");
	}

	/**
	 * How long the container waits before it polls again after a failed poll (SQS down):
	 * short, so that work resumes within seconds of SQS coming back, not after the
	 * default's growing pauses of up to 10 s.
	 */
	private static BackOffPolicy pollBackOff() {
		ExponentialBackOffPolicy backOff = new ExponentialBackOffPolicy();
		backOff.setInitialInterval(200);
		backOff.setMultiplier(2);
		backOff.setMaxInterval(2000);
		return backOff;
	}

	private static <B extends AwsClientBuilder<B, ?>> B overrideEndpoint(B builder, WorkerProperties properties) {
		return (properties.sagemakerEndpoint() != null) ? builder.endpointOverride(properties.sagemakerEndpoint())
				: builder;
	}

}
