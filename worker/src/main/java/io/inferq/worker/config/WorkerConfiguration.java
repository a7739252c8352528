package io.inferq.worker.config;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.inferq.config.AwsHttpClients;
import io.inferq.config.AwsWarmUp;
import io.inferq.config.InferqAwsConfiguration;
import io.inferq.config.InferqAwsProperties;
import io.inferq.worker.concurrency.BudgetStore;
import io.inferq.worker.concurrency.CapacitySource;
import io.inferq.worker.concurrency.ClusterBudget;
import io.inferq.worker.concurrency.EndpointCapacity;
import io.inferq.worker.concurrency.FixedCapacity;
import io.inferq.worker.concurrency.Lane;
import io.inferq.worker.concurrency.LaneLimiter;
import io.inferq.worker.concurrency.dynamodb.DynamoDbBudgetStore;
import io.inferq.worker.config.WorkerProperties.Concurrency;
import io.inferq.worker.config.WorkerProperties.Mode;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.SageMakerEndpointCapacity;
import io.inferq.worker.inference.OutputGateInterceptor;
import io.inferq.worker.inference.SendGateInterceptor;
import io.inferq.worker.inference.SageMakerInferenceClient;
import io.inferq.worker.payloads.ByteBudget;
import io.inferq.worker.payloads.ClaimCheckInferenceClient;
import io.inferq.payload.PayloadStore;
import io.inferq.store.JobStore;
import io.inferq.aws.AwsRequestCounter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sagemaker.SageMakerAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The worker's wiring: the SageMaker client, and this worker's share of the endpoint's
 * cluster-wide budget with the limiter it sets.
 */
@Configuration(proxyBeanMethods = false)
@Import(InferqAwsConfiguration.class)
class WorkerConfiguration {

	/** The meter of the worker's DynamoDB requests. */
	static final String DYNAMODB_REQUESTS = "inferq.worker.dynamodb.requests";

	private static final String DYNAMODB = AwsRequestCounter.DYNAMODB;

	private static final String BUDGET = "budget";

	private static final String STATS = "stats";

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean(destroyMethod = "close")
	SageMakerRuntimeAsyncClient sageMakerRuntimeClient(AwsClientBuilderConfigurer configurer,
			WorkerProperties properties) {
		SageMakerRuntimeAsyncClientBuilder builder = overrideEndpoint(
				configurer.configure(SageMakerRuntimeAsyncClient.builder()), properties);
		return builder.httpClientBuilder(AwsHttpClients.netty()
			// Above the most this worker may have in flight, so that no invocation ever
			// waits for a connection.
			.maxConcurrency(2 * properties.maxInFlight() + 16)
			.readTimeout(properties.invocationTimeout())
			.connectionAcquisitionTimeout(Duration.ofSeconds(10)))
			.asyncConfiguration(AwsHttpClients::completeOnEventLoop)
			// Retries go through the queue with backoff; SDK retries on top would
			// multiply them.
			.overrideConfiguration((client) -> client.apiCallTimeout(properties.invocationTimeout())
				.retryStrategy(AwsRetryStrategy.doNotRetry())
				// A request leaves only while this worker's share of the endpoint holds.
				.addExecutionInterceptor(new SendGateInterceptor())
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
		return new ClaimCheckInferenceClient(
				new SageMakerInferenceClient(sageMaker, properties.endpointName(),
						properties.concurrency().variantName()),
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

	/**
	 * The control-plane client, to read the endpoint's instance count; mode endpoint
	 * only.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(name = WorkerProperties.PREFIX + ".concurrency.mode", havingValue = "endpoint")
	SageMakerAsyncClient sageMakerClient(AwsClientBuilderConfigurer configurer, WorkerProperties properties) {
		return overrideEndpoint(configurer.configure(SageMakerAsyncClient.builder()), properties).build();
	}

	@Bean
	CapacitySource capacitySource(WorkerProperties properties, ObjectProvider<SageMakerAsyncClient> sageMaker) {
		Concurrency concurrency = properties.concurrency();
		if (concurrency.mode() == Mode.FIXED) {
			return new FixedCapacity(concurrency.maxCapacity());
		}
		SageMakerEndpointCapacity endpoint = new SageMakerEndpointCapacity(sageMaker.getObject(),
				properties.endpointName(), concurrency.variantName());
		return new EndpointCapacity(endpoint::currentInstances, concurrency.requestsPerInstance(),
				concurrency.maxCapacity());
	}

	/**
	 * The worker's DynamoDB requests, each attempt and failed conditional write included,
	 * as {@value #DYNAMODB_REQUESTS}, tagged {@code purpose}: {@code budget} for the
	 * in-flight budget's coordination, {@code stats} for the dashboard's per-minute
	 * figures, {@code jobs} for the rest. So the cost of coordinating a cluster is
	 * measured, not estimated.
	 */
	@Bean
	MeterBinder dynamoDbRequestMeters(AwsRequestCounter counter) {
		return (meters) -> {
			FunctionCounter.builder(DYNAMODB_REQUESTS, counter, (requests) -> requests.requests(DYNAMODB, BUDGET))
				.tag("purpose", "budget")
				.register(meters);
			FunctionCounter.builder(DYNAMODB_REQUESTS, counter, (requests) -> requests.requests(DYNAMODB, STATS))
				.tag("purpose", "stats")
				.register(meters);
			FunctionCounter
				.builder(DYNAMODB_REQUESTS, counter,
						(requests) -> requests.requests(DYNAMODB, null) - requests.requests(DYNAMODB, BUDGET)
								- requests.requests(DYNAMODB, STATS))
				.tag("purpose", "jobs")
				.register(meters);
		};
	}

	@Bean
	BudgetStore budgetStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws) {
		return new DynamoDbBudgetStore(dynamoDb, aws.tableName());
	}

	/**
	 * This worker's share of the endpoint's budget, given back when the worker stops
	 * (after its listeners stopped and its last invocations ended).
	 */
	@Bean(destroyMethod = "close")
	ClusterBudget clusterBudget(BudgetStore store, CapacitySource capacity, WorkerProperties properties) {
		Concurrency concurrency = properties.concurrency();
		String variant = (concurrency.variantName() != null) ? concurrency.variantName() : "all";
		ClusterBudget.Settings settings = new ClusterBudget.Settings(
				DynamoDbBudgetStore.key(properties.endpointName(), variant), concurrency.shareLease(),
				concurrency.heartbeat(), concurrency.idleHeartbeat(), properties.invocationTimeout(),
				concurrency.refresh(), concurrency.increaseInterval(), concurrency.interactiveShare(),
				concurrency.adaptive(), concurrency.prefetch());
		return new ClusterBudget(store, capacity, settings, workerId());
	}

	/** The permits of this worker, as many as its share of the budget. */
	@Bean
	@DependsOn("inferqResources")
	LaneLimiter laneLimiter(ClusterBudget budget, WorkerProperties properties, MeterRegistry meters) {
		LaneLimiter limiter = new LaneLimiter(budget, 0, properties.concurrency().interactiveShare(),
				properties.concurrency()::tenantWeight);
		for (Lane lane : Lane.values()) {
			String tag = lane.name().toLowerCase(Locale.ROOT);
			Gauge.builder("inferq.worker.invocations.in-flight", limiter, (limit) -> limit.inUse(lane))
				.tag("lane", tag)
				.register(meters);
			Gauge.builder("inferq.worker.invocations.waiting", limiter, (limit) -> limit.waiting(lane))
				.tag("lane", tag)
				.register(meters);
		}
		Gauge.builder("inferq.worker.invocations.limit", limiter, LaneLimiter::limit)
			.description("This worker's share of the endpoint's budget")
			.register(meters);
		Gauge.builder("inferq.worker.budget.capacity", budget, (held) -> held.view().map((b) -> b.capacity()).orElse(0))
			.description("The endpoint's capacity C, cluster-wide")
			.register(meters);
		Gauge.builder("inferq.worker.budget.limit", budget, (held) -> held.view().map((b) -> b.limit()).orElse(0))
			.description("The cluster-wide limit, at most C (lower after overloads)")
			.register(meters);
		Gauge
			.builder("inferq.worker.budget.workers", budget,
					(held) -> held.view().map((b) -> b.shares().size()).orElse(0))
			.description("Workers holding a share of the budget")
			.register(meters);
		budget.start(limiter);
		return limiter;
	}

	/**
	 * The endpoint's instance count as the budget knows it now (its capacity divided by
	 * the requests per instance), answered at once from the last budget seen: what the
	 * backlog-per-instance metric divides by.
	 */
	@Bean
	IntSupplier currentEndpointInstances(ClusterBudget budget, WorkerProperties properties) {
		Concurrency concurrency = properties.concurrency();
		return () -> budget.view()
			.map((seen) -> Math.max(1, seen.capacity() / concurrency.requestsPerInstance()))
			.orElse((concurrency.mode() == Mode.FIXED) ? concurrency.instances() : 1);
	}

	/** Warms the worker up before its listeners start and before it reports ready. */
	@Bean
	@ConditionalOnProperty(name = "inferq.warm-up.enabled", matchIfMissing = true)
	WorkerWarmUp workerWarmUp(AwsWarmUp aws, JobStore store, InferenceClient inference, Environment environment) {
		return new WorkerWarmUp(aws, store, inference,
				environment.getProperty(AwsWarmUp.ROUNDS_PROPERTY, Integer.class, AwsWarmUp.DEFAULT_ROUNDS));
	}

	/** Runs heartbeats, lease renewals and waits; none blocks. */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService workerTimers() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "inferq-timers");
			thread.setDaemon(true);
			return thread;
		});
	}

	private static String workerId() {
		return "w-" + ProcessHandle.current().pid() + "-"
				+ Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
	}

	private static <B extends AwsClientBuilder<B, ?>> B overrideEndpoint(B builder, WorkerProperties properties) {
		return (properties.sagemakerEndpoint() != null) ? builder.endpointOverride(properties.sagemakerEndpoint())
				: builder;
	}

}
