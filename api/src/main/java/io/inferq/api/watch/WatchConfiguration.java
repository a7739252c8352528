package io.inferq.api.watch;

import io.inferq.config.InferqAwsProperties;
import io.inferq.store.JobStatuses;
import io.inferq.store.dynamodb.DynamoDbJobStatuses;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Long polling's and progress streams' wiring. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WatchProperties.class)
class WatchConfiguration {

	@Bean
	JobStatuses jobStatuses(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbJobStatuses(dynamoDb, properties.tableName());
	}

}
