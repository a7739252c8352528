package io.inferq.api.ops;

import java.time.Clock;
import java.time.Duration;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.ops.dynamodb.DynamoDbCapacityReader;
import io.inferq.api.ops.sqs.SqsQueueDepths;
import io.inferq.config.InferqAwsProperties;
import io.inferq.stats.StatsStore;
import io.inferq.stats.dynamodb.DynamoDbStatsStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The operators' figures: queue depths from SQS, budgets and per-minute figures from the
 * jobs table, kept {@code inferq.api.ops-freshness} (5 s by default).
 */
@Configuration(proxyBeanMethods = false)
class OpsConfiguration {

	@Bean
	OpsService opsService(SqsAsyncClient sqs, DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws, ApiProperties api,
			Clock clock, @Value("${inferq.api.ops-freshness:5s}") Duration freshness) {
		StatsStore stats = new DynamoDbStatsStore(dynamoDb, aws.tableName());
		return new OpsService(new SqsQueueDepths(sqs), new DynamoDbCapacityReader(dynamoDb, aws.tableName()), stats,
				aws, clock, freshness, api.unavailableRetryAfter());
	}

}
