package io.inferq.worker.stats;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import io.inferq.config.InferqAwsProperties;
import io.inferq.stats.StatsStore;
import io.inferq.stats.dynamodb.DynamoDbStatsStore;
import io.inferq.worker.config.WorkerProperties;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker's job figures for the dashboard: counted per minute and added to the jobs
 * table every {@code inferq.worker.stats-interval} (15 s by default), under the endpoint
 * and variant the worker's budget is keyed by.
 */
@Configuration(proxyBeanMethods = false)
class StatsConfiguration {

	@Bean
	StatsStore statsStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws) {
		return new DynamoDbStatsStore(dynamoDb, aws.tableName());
	}

	@Bean(destroyMethod = "close")
	MinuteStatsRecorder jobStats(StatsStore store, WorkerProperties properties, Clock clock,
			ScheduledExecutorService workerTimers, @Value("${inferq.worker.stats-interval:15s}") Duration interval) {
		String variant = properties.concurrency().variantName();
		MinuteStatsRecorder recorder = new MinuteStatsRecorder(store,
				properties.endpointName() + "#" + ((variant != null) ? variant : "all"), clock);
		recorder.start(workerTimers, interval);
		return recorder;
	}

}
