package io.inferq.api.webhooks;

import io.inferq.api.config.RefreshedCaches;
import io.inferq.config.InferqAwsProperties;
import io.inferq.store.dynamodb.DynamoDbTenantWebhooks;
import io.inferq.webhook.AddressPolicy;
import io.inferq.webhook.TenantWebhooks;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookSettings.class)
class WebhooksApiConfiguration {

	@Bean
	TenantWebhooks tenantWebhooks(DynamoDbAsyncClient dynamoDb, InferqAwsProperties aws) {
		return new DynamoDbTenantWebhooks(dynamoDb, aws.tableName());
	}

	@Bean
	Callbacks callbacks(TenantWebhooks webhooks, WebhookSettings settings) {
		return new Callbacks(AddressPolicy.allowing(settings.allowedAddresses()),
				RefreshedCaches.expiringAfter(settings.endpointCache())
					.maximumSize(10_000)
					.buildAsync((tenant, executor) -> webhooks.find(tenant)));
	}

}
