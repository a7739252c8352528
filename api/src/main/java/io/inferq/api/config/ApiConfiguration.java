package io.inferq.api.config;

import java.time.Clock;

import io.awspring.cloud.autoconfigure.sqs.SqsAsyncClientCustomizer;
import io.inferq.api.quota.QuotaProperties;
import io.inferq.config.InferqAwsConfiguration;
import io.inferq.config.InferqAwsProperties;
import io.inferq.store.TenantListings;
import io.inferq.store.dynamodb.DynamoDbTenantListings;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The API's wiring: the job store and queue from {@link InferqAwsConfiguration}, its
 * properties and its clock.
 */
@Configuration(proxyBeanMethods = false)
@Import(InferqAwsConfiguration.class)
@EnableConfigurationProperties({ ApiProperties.class, QuotaProperties.class })
class ApiConfiguration {

	/**
	 * Refuses to start with an input limit above the one the worker holds inputs to,
	 * which would accept jobs that can only fail.
	 */
	@Bean
	InitializingBean inputLimitWithinPayloadLimit(ApiProperties api, InferqAwsProperties aws) {
		return () -> {
			if (api.maxInputSize().toBytes() > aws.payloads().maxSize().toBytes()) {
				throw new IllegalStateException(ApiProperties.PREFIX + ".max-input-size (" + api.maxInputSize()
						+ ") must be at most " + InferqAwsProperties.PREFIX + ".payloads.max-size ("
						+ aws.payloads().maxSize() + "), the largest input the worker takes");
			}
		};
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/** The tenant indexes of the jobs table: each caller's own jobs and batches. */
	@Bean
	TenantListings tenantListings(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbTenantListings(dynamoDb, properties.tableName());
	}

	/**
	 * Bounds every SQS call a request waits for, so that a queue that hangs turns into a
	 * 503 instead of a request held open.
	 */
	@Bean
	SqsAsyncClientCustomizer sqsCallTimeout(ApiProperties properties) {
		return (builder) -> builder.overrideConfiguration(
				builder.overrideConfiguration().toBuilder().apiCallTimeout(properties.awsCallTimeout()).build());
	}

}
