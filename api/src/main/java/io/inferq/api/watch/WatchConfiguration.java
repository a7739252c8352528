package io.inferq.api.watch;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.inferq.config.InferqAwsProperties;
import io.inferq.config.ResourceCreation;
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
	 * This process's inbox for the ends of the jobs its clients wait for: an SQS queue of
	 * its own, created now (the start fails, saying why, if it cannot be) and deleted at
	 * stop.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnProperty(prefix = WatchProperties.PREFIX, name = "inbox", havingValue = "true", matchIfMissing = true)
	JobEndInbox jobEndInbox(SqsAsyncClient sqs, InferqAwsProperties properties) throws InterruptedException {
		AtomicReference<JobEndInbox> inbox = new AtomicReference<>();
		ResourceCreation.await("this API process's inbox for job ends (an SQS queue named " + properties.queueName()
				+ "-watch-*; it needs sqs:CreateQueue, or set " + WatchProperties.PREFIX + ".inbox=false to poll)",
				() -> SqsJobEndInbox.create(sqs, properties.queueName()).thenAccept(inbox::set),
				Duration.ofSeconds(30));
		return inbox.get();
	}

}
