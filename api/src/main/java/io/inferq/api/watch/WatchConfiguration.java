package io.inferq.api.watch;

import io.inferq.config.InferqAwsProperties;
import io.inferq.message.JobEndInbox;
import io.inferq.message.sqs.SqsJobEndInbox;
import io.inferq.store.JobStatuses;
import io.inferq.store.dynamodb.DynamoDbJobStatuses;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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

	/**
	 * Opens this process's inbox for the ends of the jobs its clients wait for: an SQS
	 * queue of its own, deleted at stop ({@link LongPolls}).
	 */
	@Bean
	@ConditionalOnProperty(prefix = WatchProperties.PREFIX, name = "inbox", havingValue = "true", matchIfMissing = true)
	InboxOpener jobEndInboxOpener(SqsAsyncClient sqs, InferqAwsProperties properties) {
		return () -> SqsJobEndInbox.create(sqs, properties.queueName()).thenApply(JobEndInbox.class::cast);
	}

}
