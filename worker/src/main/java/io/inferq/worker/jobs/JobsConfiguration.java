package io.inferq.worker.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.awspring.cloud.sqs.MessageExecutionThreadFactory;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.worker.concurrency.ClusterBudget;
import io.inferq.worker.concurrency.LaneLimiter;
import io.inferq.worker.config.WorkerProperties;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.stats.JobStats;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.retry.backoff.BackOffPolicy;
import org.springframework.retry.backoff.ExponentialBackOffPolicy;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The job runner and the queue listener that feeds it, with one SQS listener container
 * per lane that receives only what this worker can start soon.
 */
@Configuration(proxyBeanMethods = false)
class JobsConfiguration {

	/**
	 * How late a worker may notice that a batch was cancelled, and so how often it looks
	 * a busy batch up.
	 */
	private static final Duration BATCH_FRESHNESS = Duration.ofSeconds(2);

	/**
	 * How long the container waits for a full batch of free slots before it polls for as
	 * many messages as there are free slots. Short, so that a slot never stays empty
	 * while messages wait in the queue.
	 */
	private static final Duration MAX_DELAY_BETWEEN_POLLS = Duration.ofMillis(50);

	/**
	 * How long a poll with room for less than a full receive waits for more, while enough
	 * messages are held ready (see {@link HeldMessagesBackPressureHandler}).
	 */
	private static final Duration FILL_WAIT = Duration.ofMillis(100);

	/** How long a poll waits for room before it asks again. */
	private static final Duration MAX_WAIT_FOR_ROOM = Duration.ofSeconds(1);

	/** How long a stopping worker gives acknowledgements still to be sent. */
	private static final Duration ACKNOWLEDGEMENT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

	/**
	 * Threads per listener container that hand messages to the (asynchronous) listener.
	 */
	private static final int LISTENER_THREADS = 4;

	/** SQS's largest receive batch. */
	private static final int MAX_MESSAGES_PER_POLL = 10;

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
			LaneLimiter limiter, RetryPolicy retryPolicy, WorkerProperties properties, Clock clock,
			MeterRegistry meters, ScheduledExecutorService workerTimers, JobStats jobStats) {
		return new JobRunner(store, batchCancellations, inference, limiter, retryPolicy, properties.lease(),
				properties.timeToStart(), clock, meters, workerTimers, jobStats);
	}

	@Bean
	ListenersHealthIndicator sqsListenersHealthIndicator(MessageListenerContainerRegistry containers) {
		return new ListenersHealthIndicator(containers);
	}

	/**
	 * Extends held messages' visibility to the lease every third of the lease, 10
	 * messages a request.
	 */
	@Bean(destroyMethod = "close")
	VisibilityHeartbeats visibilityHeartbeats(SqsAsyncClient sqs, WorkerProperties properties,
			ScheduledExecutorService workerTimers) {
		return new VisibilityHeartbeats(sqs, properties.lease(), properties.lease().dividedBy(3), workerTimers);
	}

	@Bean
	JobListener jobListener(JobRunner runner, RetryPolicy retryPolicy, VisibilityHeartbeats heartbeats) {
		return new JobListener(runner, retryPolicy, heartbeats);
	}

	/** The interactive lane's listener container. */
	@Bean
	SqsMessageListenerContainerFactory<Object> defaultSqsListenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, ClusterBudget budget, ThreadPoolTaskExecutor interactiveListenerThreads) {
		return listenerContainerFactory(sqs, properties, budget, interactiveListenerThreads);
	}

	/**
	 * The bulk lane's listener container: its own slots, so that bulk messages never keep
	 * interactive ones from being received.
	 */
	@Bean
	SqsMessageListenerContainerFactory<Object> bulkSqsListenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, ClusterBudget budget, ThreadPoolTaskExecutor bulkListenerThreads) {
		return listenerContainerFactory(sqs, properties, budget, bulkListenerThreads);
	}

	/**
	 * A container that holds at most what this worker's share of the budget lets it start
	 * soon ({@link ClusterBudget#messagesWanted()}): its share plus the prefetch, so that
	 * when an invocation ends another job is already read and waiting for the free
	 * instance, while messages that could not start soon stay in the queue for other
	 * workers. The limiter, not the container, caps what reaches the endpoint. Messages
	 * are received with the lease as their visibility, which the listener renews.
	 */
	private static SqsMessageListenerContainerFactory<Object> listenerContainerFactory(SqsAsyncClient sqs,
			WorkerProperties properties, ClusterBudget budget, TaskExecutor listenerThreads) {
		// The most a container may ever hold: the largest share plus as much prefetch.
		int most = 2 * properties.maxInFlight() + MAX_MESSAGES_PER_POLL;
		return SqsMessageListenerContainerFactory.builder()
			.sqsAsyncClient(sqs)
			.configure((options) -> options.maxConcurrentMessages(most)
				.maxMessagesPerPoll(MAX_MESSAGES_PER_POLL)
				.pollTimeout(properties.pollTimeout())
				.maxDelayBetweenPolls(MAX_DELAY_BETWEEN_POLLS)
				.pollBackOffPolicy(pollBackOff())
				.componentsTaskExecutor(listenerThreads)
				.backPressureHandlerFactory((containerOptions) -> {
					HeldMessagesBackPressureHandler handler = new HeldMessagesBackPressureHandler(
							budget::messagesWanted, MAX_MESSAGES_PER_POLL, MAX_WAIT_FOR_ROOM, FILL_WAIT);
					budget.onAllowanceChange(handler::allowanceChanged);
					return handler;
				})
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				.messageVisibility(properties.lease())
				.messageSystemAttributeNames(List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
				.listenerShutdownTimeout(properties.invocationTimeout().plusSeconds(5))
				.acknowledgementShutdownTimeout(ACKNOWLEDGEMENT_SHUTDOWN_TIMEOUT))
			.build();
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

}
