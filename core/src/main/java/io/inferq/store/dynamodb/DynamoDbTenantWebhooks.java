package io.inferq.store.dynamodb;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.TenantWebhooks;
import io.inferq.webhook.WebhookSignature;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link TenantWebhooks} on the jobs table: one item per tenant, keyed
 * {@value JobTable#WEBHOOK_KEY_PREFIX}{@code <tenant>}, with its secret and endpoint. A
 * secret is made with a conditional {@code PutItem}, so two makers agree on one.
 */
public class DynamoDbTenantWebhooks implements TenantWebhooks {

	private static final String SECRET = "secret";

	private static final String ENDPOINT = "endpoint";

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbTenantWebhooks(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<TenantWebhook> of(TenantId tenant) {
		return find(tenant)
			.thenCompose((found) -> found.map(CompletableFuture::completedFuture).orElseGet(() -> create(tenant)));
	}

	@Override
	public CompletableFuture<Optional<TenantWebhook>> find(TenantId tenant) {
		return this.dynamoDb.getItem((get) -> get.tableName(this.tableName).key(key(tenant)).consistentRead(true))
			.thenApply((response) -> (response.hasItem() && response.item().containsKey(SECRET))
					? Optional.of(webhook(tenant, response.item())) : Optional.empty());
	}

	@Override
	public CompletableFuture<TenantWebhook> setEndpoint(TenantId tenant, URI endpoint) {
		return of(tenant).thenCompose((current) -> {
			Map<String, String> names = Map.of("#endpoint", ENDPOINT);
			CompletableFuture<?> written = (endpoint != null)
					? this.dynamoDb.updateItem((update) -> update.tableName(this.tableName)
						.key(key(tenant))
						.updateExpression("SET #endpoint = :endpoint")
						.expressionAttributeNames(names)
						.expressionAttributeValues(Map.of(":endpoint", AttributeValue.fromS(endpoint.toString()))))
					: this.dynamoDb.updateItem((update) -> update.tableName(this.tableName)
						.key(key(tenant))
						.updateExpression("REMOVE #endpoint")
						.expressionAttributeNames(names));
			return written.thenApply((done) -> new TenantWebhook(tenant, current.secret(), endpoint));
		});
	}

	private CompletableFuture<TenantWebhook> create(TenantId tenant) {
		Map<String, AttributeValue> item = new HashMap<>(key(tenant));
		item.put(SECRET, AttributeValue.fromS(WebhookSignature.newSecret()));
		item.put(JobItems.TENANT, AttributeValue.fromS(tenant.value()));
		CompletableFuture<TenantWebhook> created = this.dynamoDb
			.putItem((put) -> put.tableName(this.tableName)
				.item(item)
				.conditionExpression("attribute_not_exists(#id)")
				.expressionAttributeNames(Map.of("#id", JobTable.KEY)))
			.thenApply((response) -> webhook(tenant, item));
		// Another maker won: its secret is the one.
		return Futures.recover(created, (failure) -> (failure instanceof ConditionalCheckFailedException)
				? find(tenant).thenApply(Optional::orElseThrow) : Futures.failed(failure));
	}

	private static Map<String, AttributeValue> key(TenantId tenant) {
		return Map.of(JobTable.KEY, AttributeValue.fromS(JobTable.WEBHOOK_KEY_PREFIX + tenant.value()));
	}

	private static TenantWebhook webhook(TenantId tenant, Map<String, AttributeValue> item) {
		AttributeValue endpoint = item.get(ENDPOINT);
		return new TenantWebhook(tenant, item.get(SECRET).s(), (endpoint != null) ? URI.create(endpoint.s()) : null);
	}

}
