package io.inferq.worker.webhooks;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.awspring.cloud.sqs.MessageExecutionThreadFactory;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.inferq.config.InferqAwsProperties;
import io.inferq.config.NotificationTopicsProperties;
import io.inferq.config.ResourceCreation;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.store.dynamodb.DynamoDbTenantWebhooks;
import io.inferq.store.dynamodb.DynamoDbWebhookOutbox;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.EventTopics;
import io.inferq.webhook.TenantWebhooks;
import io.inferq.webhook.TenantWebhooks.TenantWebhook;
import io.inferq.webhook.WebhookOutbox;
import io.inferq.webhook.WebhookQueue;
import io.inferq.webhook.sqs.SqsWebhookQueue;
import io.inferq.webhook.sqs.WebhookQueues;
import io.inferq.worker.config.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Completion webhooks: the outbox relay around the job store, the sweeper, and the
 * delivery queue's own listener container, apart from the jobs' so that deliveries never
 * hold up jobs.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhooksConfiguration {

	/** How long a tenant's secret is cached: a rotated secret signs within this. */
	private static final Duration SECRET_CACHE = Duration.ofMinutes(5);

	@Bean
	WebhookQueue webhookQueue(SqsAsyncClient sqs, WebhookProperties properties) {
		return new SqsWebhookQueue(sqs, properties.queueName());
	}

	@Bean
	WebhookOutbox webhookOutbox(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws) {
		return new DynamoDbWebhookOutbox(dynamoDb, aws.tableName());
	}

	@Bean
	TenantWebhooks tenantWebhooks(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws) {
		return new DynamoDbTenantWebhooks(dynamoDb, aws.tableName());
	}

	@Bean
	OutboxRelay outboxRelay(WebhookQueue queue, WebhookOutbox outbox, NotificationTopicsProperties topics) {
		return new OutboxRelay(queue, outbox, topics.events());
	}

	/** The job store everything in the worker writes through: relays as it writes. */
	@Bean
	@Primary
	JobStore outboxJobStore(@Qualifier("jobStore") JobStore jobStore, OutboxRelay relay, WebhookProperties properties) {
		return new OutboxJobStore(jobStore, relay, properties.haltAfterOutcomes());
	}

	@Bean
	OutboxSweeper outboxSweeper(WebhookOutbox outbox, @Qualifier("jobStore") JobStore jobStore, OutboxRelay relay,
			ScheduledExecutorService workerTimers, Clock clock, WebhookProperties properties) {
		return new OutboxSweeper(outbox, jobStore, relay, workerTimers, clock, properties.sweepInterval(),
				properties.sweepAfter());
	}

	@Bean(destroyMethod = "close")
	WebhookDeliverer webhookDeliverer(WebhookProperties properties, Clock clock) {
		return new WebhookDeliverer(properties.addressPolicy(), properties.timeout(),
				properties.maxConcurrentDeliveries(), clock);
	}

	@Bean
	WebhookListener webhookListener(WebhookDeliverer deliverer, EventTopics topics, TenantWebhooks tenantWebhooks,
			BatchStore batches, WebhookOutbox outbox, WebhookProperties properties, Clock clock, MeterRegistry meters) {
		AsyncLoadingCache<TenantId, TenantWebhook> secrets = Caffeine.newBuilder()
			.expireAfterWrite(SECRET_CACHE)
			.maximumSize(10_000)
			.buildAsync((tenant, executor) -> tenantWebhooks.of(tenant));
		return new WebhookListener(deliverer, topics, secrets, batches, outbox, properties, clock, meters);
	}

	@Bean
	SqsMessageListenerContainerFactory<Object> webhookSqsListenerContainerFactory(SqsAsyncClient sqs,
			WebhookProperties properties, WorkerProperties worker) {
		ThreadPoolTaskExecutor threads = new ThreadPoolTaskExecutor();
		threads.setThreadFactory(new MessageExecutionThreadFactory("inferq-webhooks-"));
		threads.setCorePoolSize(2);
		threads.setMaxPoolSize(2);
		threads.initialize();
		return SqsMessageListenerContainerFactory.builder()
			.sqsAsyncClient(sqs)
			.configure((options) -> options.maxConcurrentMessages(properties.maxConcurrentDeliveries())
				.maxMessagesPerPoll(Math.min(10, properties.maxConcurrentDeliveries()))
				.pollTimeout(worker.pollTimeout())
				.componentsTaskExecutor(threads)
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				.messageVisibility(properties.visibility())
				.messageSystemAttributeNames(List.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
				.listenerShutdownTimeout(properties.timeout().multipliedBy(2)))
			.build();
	}

	/** Creates the delivery queues with the others when the app creates resources. */
	@Bean
	InitializingBean webhookQueues(InferqAwsProperties aws, SqsAsyncClient sqs, WebhookProperties properties) {
		return () -> {
			if (aws.createResources()) {
				ResourceCreation.await("the webhook queues", () -> WebhookQueues.createIfAbsent(sqs,
						properties.queueName(), properties.deadLetterQueueName()), Duration.ofSeconds(60));
			}
		};
	}

}
