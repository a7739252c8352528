package io.inferq.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbProperties;
import io.awspring.cloud.autoconfigure.s3.properties.S3Properties;
import io.awspring.cloud.autoconfigure.sqs.SqsAsyncClientCustomizer;
import io.inferq.aws.AwsRequestCounter;
import io.inferq.message.JobLanes;
import io.inferq.message.JobQueue;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.message.sqs.SqsJobWatchers;
import io.inferq.payload.ClaimCheckJobStore;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.payload.s3.S3PayloadStore;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobStore;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbIdempotencyStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job, batch and idempotency stores, the payload store and the job queues of both
 * lanes on DynamoDB, S3 and SQS, for both apps. The SQS client is Spring Cloud AWS's; the
 * asynchronous DynamoDB and S3 clients, which Spring Cloud AWS does not provide, are
 * built here from the same {@code spring.cloud.aws.*} and
 * {@code spring.cloud.aws.dynamodb.*} / {@code spring.cloud.aws.s3.*} properties.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ InferqAwsProperties.class, NotificationTopicsProperties.class,
		DynamoDbProperties.class, S3Properties.class })
public class InferqAwsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(InferqAwsConfiguration.class);

	private static final Duration RESOURCE_CREATION_TIMEOUT = Duration.ofSeconds(60);

	/** Counts the requests of the app's DynamoDB, SQS and S3 clients. */
	@Bean
	AwsRequestCounter awsRequestCounter() {
		return new AwsRequestCounter();
	}

	/**
	 * Spring Cloud AWS's SQS client with the apps' HTTP client settings
	 * ({@link AwsHttpClients}) and the request counter.
	 */
	@Bean
	SqsAsyncClientCustomizer sqsClientSettings(AwsRequestCounter counter) {
		return (builder) -> builder.httpClientBuilder(AwsHttpClients.netty())
			.asyncConfiguration(AwsHttpClients::completeOnEventLoop)
			.overrideConfiguration(
					builder.overrideConfiguration().toBuilder().addExecutionInterceptor(counter).build());
	}

	/**
	 * The DynamoDB client, with the apps' HTTP client settings ({@link AwsHttpClients})
	 * and every {@link ExecutionInterceptor} bean of the app (for example one that counts
	 * requests).
	 */
	@Bean(destroyMethod = "close")
	DynamoDbAsyncClient dynamoDbAsyncClient(AwsClientBuilderConfigurer configurer, DynamoDbProperties properties,
			ObjectProvider<ExecutionInterceptor> interceptors) {
		return configurer.configure(DynamoDbAsyncClient.builder(), properties, null)
			.httpClientBuilder(AwsHttpClients.netty())
			.asyncConfiguration(AwsHttpClients::completeOnEventLoop)
			.overrideConfiguration((client) -> interceptors.orderedStream().forEach(client::addExecutionInterceptor))
			.build();
	}

	/**
	 * The asynchronous S3 client. The SDK's own checksums are off unless S3 requires
	 * them: the payload store checks SHA-256 itself, and S3-compatible stand-ins do not
	 * all take the SDK's trailing checksums.
	 */
	@Bean(destroyMethod = "close")
	S3AsyncClient s3AsyncClient(AwsClientBuilderConfigurer configurer, S3Properties properties,
			AwsRequestCounter counter) {
		return configurer.configure(S3AsyncClient.builder(), properties, null)
			.httpClientBuilder(AwsHttpClients.netty())
			.asyncConfiguration(AwsHttpClients::completeOnEventLoop)
			.overrideConfiguration((client) -> client.addExecutionInterceptor(counter))
			.forcePathStyle(Boolean.TRUE.equals(properties.getPathStyleAccessEnabled()))
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.build();
	}

	@Bean
	PayloadStore payloadStore(S3AsyncClient s3, InferqAwsProperties properties) {
		InferqAwsProperties.Payloads payloads = properties.payloads();
		return new S3PayloadStore(s3, payloads.bucketName(), payloads.keyPrefix(), payloads.inputLocations());
	}

	/**
	 * The job store: DynamoDB, with inputs and outputs above the inline threshold kept in
	 * the payload store; every ended job is marked for the outbox when the operator's
	 * topics are set.
	 */
	@Bean
	JobStore jobStore(DynamoDbAsyncClient dynamoDb, PayloadStore payloads, InferqAwsProperties properties,
			NotificationTopicsProperties topics, SqsJobWatchers jobWatchers) {
		return new ClaimCheckJobStore(new DynamoDbJobStore(dynamoDb, properties.tableName(), properties.retention(),
				topics.events(), jobWatchers), payloads, properties.payloads().inlineThreshold().toBytes());
	}

	/**
	 * Tells API replicas' inboxes that a job their clients wait for ended, from whichever
	 * app ended it.
	 */
	@Bean(destroyMethod = "close")
	SqsJobWatchers jobWatchers(SqsAsyncClient sqs, InferqAwsProperties properties) {
		return new SqsJobWatchers(sqs, properties.queueName());
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
	 * Warms the AWS clients up before the app reports ready; each app runs it where its
	 * start allows.
	 */
	@Bean
	AwsWarmUp awsWarmUp(DynamoDbAsyncClient dynamoDb, SqsAsyncClient sqs, S3AsyncClient s3,
			InferqAwsProperties properties) {
		return new AwsWarmUp(dynamoDb, sqs, s3, properties);
	}

	/**
	 * Creates the table and queues at start when {@code inferq.aws.create-resources} is
	 * set, before anything uses them; runs once per context, and is idempotent across
	 * apps.
	 */
	@Bean
	InitializingBean inferqResources(InferqAwsProperties properties, DynamoDbAsyncClient dynamoDb, SqsAsyncClient sqs,
			S3AsyncClient s3) {
		return () -> {
			if (!properties.createResources()) {
				return;
			}
			logger.info("Creating table {}, queues {}, {} / {} and bucket {} if absent", properties.tableName(),
					properties.queueName(), properties.bulkQueueName(), properties.deadLetterQueueName(),
					properties.payloads().bucketName());
			ResourceCreation.await("the table, queues and bucket",
					() -> CompletableFuture.allOf(JobTable.createIfAbsent(dynamoDb, properties.tableName()),
							JobQueues.createIfAbsent(sqs, properties.queueName(), properties.bulkQueueName(),
									properties.deadLetterQueueName()),
							PayloadBucket.createIfAbsent(s3, properties.payloads().bucketName(),
									properties.payloads().keyPrefix(), properties.retention())),
					RESOURCE_CREATION_TIMEOUT);
		};
	}

}
