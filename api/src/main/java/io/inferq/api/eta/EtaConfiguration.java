package io.inferq.api.eta;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.config.InferqAwsProperties;
import io.inferq.message.QueueDepths;
import io.inferq.message.sqs.SqsQueueDepths;
import io.inferq.pace.PaceSource;
import io.inferq.pace.dynamodb.DynamoDbPaceSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The estimates' sources: the lanes' queues and the workers' budget record. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EtaProperties.class)
class EtaConfiguration {

	@Bean
	QueueDepths queueDepths(SqsAsyncClient sqs, InferqAwsProperties properties) {
		return new SqsQueueDepths(sqs, properties.queueName(), properties.bulkQueueName());
	}

	/** Without an endpoint name, a source that knows nothing. */
	@Bean
	PaceSource paceSource(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws, EtaProperties properties) {
		String key = properties.budgetKey();
		if (key == null) {
			return () -> CompletableFuture.completedFuture(Optional.empty());
		}
		return new DynamoDbPaceSource(dynamoDb, aws.tableName(), key);
	}

}
