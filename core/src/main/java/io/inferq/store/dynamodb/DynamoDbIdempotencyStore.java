package io.inferq.store.dynamodb;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.store.IdempotencyRecord;
import io.inferq.store.IdempotencyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import static io.inferq.store.dynamodb.JobItems.instant;
import static io.inferq.store.dynamodb.JobItems.n;
import static io.inferq.store.dynamodb.JobItems.s;
import static io.inferq.store.dynamodb.JobItems.string;

/**
 * {@link IdempotencyStore} on the jobs table (see {@link JobTable}): one item per key,
 * keyed {@value JobTable#IDEMPOTENCY_KEY_PREFIX}{@code <hashed key>}, whose TTL is its
 * expiry. DynamoDB deletes expired items only eventually, so a claim also wins over a
 * record that has expired but is still there.
 */
public class DynamoDbIdempotencyStore implements IdempotencyStore {

	private static final String RESOURCE_ID = "resourceId";

	private static final String FINGERPRINT = "fingerprint";

	private static final String CREATED_AT = "createdAt";

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbIdempotencyStore(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<Optional<IdempotencyRecord>> claim(IdempotencyRecord record, Instant now) {
		Map<String, AttributeValue> item = new HashMap<>(key(record.key()));
		item.put(RESOURCE_ID, s(record.resourceId()));
		if (record.fingerprint() != null) {
			item.put(FINGERPRINT, s(record.fingerprint()));
		}
		item.put(CREATED_AT, instant(record.createdAt()));
		item.put(JobTable.TTL_ATTRIBUTE, n(record.expiresAt().getEpochSecond()));
		CompletableFuture<Optional<IdempotencyRecord>> claimed = this.dynamoDb
			.putItem((request) -> request.tableName(this.tableName)
				.item(item)
				.conditionExpression("attribute_not_exists(#id) OR #ttl <= :now")
				.expressionAttributeNames(Map.of("#id", JobTable.KEY, "#ttl", JobTable.TTL_ATTRIBUTE))
				.expressionAttributeValues(Map.of(":now", n(now.getEpochSecond())))
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
			.thenApply((response) -> Optional.empty());
		return Futures.recover(claimed, (failure) -> {
			if (failure instanceof ConditionalCheckFailedException conflict && conflict.hasItem()
					&& !conflict.item().isEmpty()) {
				return CompletableFuture.completedFuture(Optional.of(fromItem(record.key(), conflict.item())));
			}
			return Futures.failed(failure);
		});
	}

	@Override
	public CompletableFuture<Boolean> release(IdempotencyRecord record) {
		CompletableFuture<Boolean> deleted = this.dynamoDb
			.deleteItem((request) -> request.tableName(this.tableName)
				.key(key(record.key()))
				.conditionExpression("#resourceId = :resourceId")
				.expressionAttributeNames(Map.of("#resourceId", RESOURCE_ID))
				.expressionAttributeValues(Map.of(":resourceId", s(record.resourceId()))))
			.thenApply((response) -> true);
		return Futures.recover(deleted, (failure) -> (failure instanceof ConditionalCheckFailedException)
				? CompletableFuture.completedFuture(false) : Futures.failed(failure));
	}

	private static Map<String, AttributeValue> key(String key) {
		return Map.of(JobTable.KEY, s(JobTable.IDEMPOTENCY_KEY_PREFIX + key));
	}

	private static IdempotencyRecord fromItem(String key, Map<String, AttributeValue> item) {
		return new IdempotencyRecord(key, item.get(RESOURCE_ID).s(), string(item, FINGERPRINT),
				JobItems.instant(item, CREATED_AT),
				Instant.ofEpochSecond(Long.parseLong(item.get(JobTable.TTL_ATTRIBUTE).n())));
	}

}
