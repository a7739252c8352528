package io.inferq.worker.webhooks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.sns.SnsProperties;
import io.inferq.concurrent.Futures;
import io.inferq.config.AwsHttpClients;
import io.inferq.config.InferqAwsProperties;
import io.inferq.config.NotificationTopicsProperties;
import io.inferq.webhook.EventTopics;
import io.inferq.webhook.sns.EventTopicNames;
import io.inferq.webhook.sns.SnsEventTopics;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

/**
 * The operator's SNS topics ({@link NotificationTopicsProperties}): the SNS client, built
 * only when a topic is set (from Spring Cloud AWS's {@code spring.cloud.aws.*} and
 * {@code spring.cloud.aws.sns.endpoint}), and the {@link EventTopics} the webhook
 * listener publishes through. Without topics, a message for them (left from a time they
 * were set) fails, is retried and ends in the dead-letter queue: none is dropped
 * silently.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SnsProperties.class)
class TopicsConfiguration {

	/** Built only when a topic is set: an unused client would hold an event loop. */
	@Bean(destroyMethod = "close")
	@ConditionalOnExpression("'${" + NotificationTopicsProperties.PREFIX + ".success-topic-arn:}' != '' or '${"
			+ NotificationTopicsProperties.PREFIX + ".error-topic-arn:}' != ''")
	SnsAsyncClient snsAsyncClient(AwsClientBuilderConfigurer configurer, SnsProperties properties) {
		return configurer.configure(SnsAsyncClient.builder(), properties, null)
			.httpClientBuilder(AwsHttpClients.netty())
			.build();
	}

	@Bean
	EventTopics eventTopics(NotificationTopicsProperties topics, ObjectProvider<SnsAsyncClient> sns) {
		if (!topics.enabled()) {
			return (tenant, event) -> Futures.failed(new IllegalStateException(
					"No SNS topic is set (" + NotificationTopicsProperties.PREFIX + ".*) for " + event.id()));
		}
		return new SnsEventTopics(sns.getObject(), topics.successTopicArn(), topics.errorTopicArn());
	}

	/**
	 * Creates the topics (by the names their ARNs end with) when the app creates
	 * resources, for stand-ins and LocalStack.
	 */
	@Bean
	InitializingBean eventTopicsResources(InferqAwsProperties aws, NotificationTopicsProperties topics,
			ObjectProvider<SnsAsyncClient> sns) {
		return () -> {
			if (aws.createResources() && topics.enabled()) {
				List<String> names = new ArrayList<>();
				if (topics.successTopicArn() != null) {
					names.add(EventTopicNames.nameOf(topics.successTopicArn()));
				}
				if (topics.errorTopicArn() != null) {
					names.add(EventTopicNames.nameOf(topics.errorTopicArn()));
				}
				EventTopicNames.createIfAbsent(sns.getObject(), names).get(60, TimeUnit.SECONDS);
			}
		};
	}

}
