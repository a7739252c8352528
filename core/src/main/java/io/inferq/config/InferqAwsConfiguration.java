package io.inferq.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbProperties;
import io.inferq.message.JobLanes;
import io.inferq.message.JobQueue;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobStore;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbIdempotencyStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job, batch and idempotency stores and the job queues of both lanes on DynamoDB and
 * SQS, for both apps. The SQS client is Spring Cloud AWS's; the asynchronous DynamoDB
 * client, which Spring Cloud AWS does not provide, is built here from the same
 * {@code spring.cloud.aws.*} and {@code spring.cloud.aws.dynamodb.*} properties.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ InferqAwsProperties.class, DynamoDbProperties.class })
public class InferqAwsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(InferqAwsConfiguration.class);

	private static final Duration RESOURCE_CREATION_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * The DynamoDB client, with every {@link ExecutionInterceptor} bean of the app (for
	 * example one that counts requests).
	 */
	@Bean(destroyMethod = "close")
	DynamoDbAsyncClient dynamoDbAsyncClient(AwsClientBuilderConfigurer configurer, DynamoDbProperties properties,
			ObjectProvider<ExecutionInterceptor> interceptors) {
		return configurer.configure(DynamoDbAsyncClient.builder(), properties, null)
			.overrideConfiguration((client) -> interceptors.orderedStream().forEach(client::addExecutionInterceptor))
			.build();
	}

	@Bean
	JobStore jobStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbJobStore(dynamoDb, properties.tableName(), properties.retention());
	}

	@Bean
	BatchStore batchStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbBatchStore(dynamoDb, properties.tableName(), properties.retention());
	}

	@Bean
	IdempotencyStore idempotencyStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbIdempotencyStore(dynamoDb, properties.tableName());
	}

	/** The interactive lane's queue, the one {@code JobQueue} to inject. */
	@Bean
	JobQueue jobQueue(SqsAsyncClient sqs, InferqAwsProperties properties) {
		return new SqsJobQueue(sqs, properties.queueName());
	}

	/** Both lanes: the interactive queue above and the bulk lane's queue. */
	@Bean
	JobLanes jobLanes(JobQueue jobQueue, SqsAsyncClient sqs, InferqAwsProperties properties) {
		return new JobLanes(jobQueue, new SqsJobQueue(sqs, properties.bulkQueueName()));
	}

	/**
	 * Creates the table and queues at start when {@code inferq.aws.create-resources} is
	 * set, before anything uses them; runs once per context, and is idempotent across
	 * apps.
	 */
	@Bean
	InitializingBean inferqResources(InferqAwsProperties properties, DynamoDbAsyncClient dynamoDb, SqsAsyncClient sqs) {
		return () -> {
			if (!properties.createResources()) {
				return;
			}
			logger.info("Creating table {} and queues {}, {} / {} if absent", properties.tableName(),
					properties.queueName(), properties.bulkQueueName(), properties.deadLetterQueueName());
			CompletableFuture
				.allOf(JobTable.createIfAbsent(dynamoDb, properties.tableName()),
						JobQueues.createIfAbsent(sqs, properties.queueName(), properties.bulkQueueName(),
								properties.deadLetterQueueName()))
				.get(RESOURCE_CREATION_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
		};
	}

}
