package io.inferq.store.dynamodb;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one definition of the jobs table: its default name, key schema, TTL attribute and
 * secondary indexes. The stand-ins, the LocalStack init hook, the deployment template and
 * the apps all follow it.
 * <p>
 * Two global secondary indexes list a tenant's own records, newest first, without a scan:
 * {@value #TENANT_INDEX} by {@value #TENANT_SHARD} (jobs, batches and API keys) and
 * {@value #TENANT_STATUS_INDEX} by {@value #TENANT_STATUS_SHARD} (jobs by status), both
 * sorted by {@value #LIST_KEY}. Their partition keys end in one of
 * {@value #TENANT_SHARDS} shards, the hash of the record's ID, so that one busy tenant is
 * spread over as many index partitions (each takes about 1,000 writes a second) instead
 * of throttling one. Both project only keys: a listing reads the records themselves,
 * strongly consistent, by key.
 */
public final class JobTable {

	/** The table name the apps use unless configured otherwise. */
	public static final String DEFAULT_NAME = "inferq-jobs";

	/** The partition key: the job ID, a string. */
	public static final String KEY = "id";

	/** The attribute DynamoDB TTL deletes items by, in epoch seconds. */
	public static final String TTL_ATTRIBUTE = "ttl";

	/**
	 * The key prefix of batch records, which share the table with jobs: {@code #} is
	 * never part of a job ID, so no key can be both.
	 */
	public static final String BATCH_KEY_PREFIX = "batch#";

	/** The key prefix of idempotency records, followed by the record's hashed key. */
	public static final String IDEMPOTENCY_KEY_PREFIX = "idempotency#";

	/**
	 * The key prefix of the workers' in-flight budget records, one per SageMaker endpoint
	 * and variant: {@code budget#<endpoint>#<variant>}.
	 */
	public static final String BUDGET_KEY_PREFIX = "budget#";

	/**
	 * The key prefix of the workers' per-minute job figures:
	 * {@code stats#<endpoint>#<variant>#<minute>}, and {@code stats#endpoints}, the set
	 * of endpoints that have figures.
	 */
	public static final String STATS_KEY_PREFIX = "stats#";

	/**
	 * The key prefix of API key records, followed by the SHA-256 (hex) of the key: the
	 * key itself is never stored.
	 */
	public static final String API_KEY_PREFIX = "apikey#";

	/**
	 * The key prefix of a tenant's webhook settings (signing secret, default endpoint),
	 * followed by the tenant.
	 */
	public static final String WEBHOOK_KEY_PREFIX = "webhook#";

	/** The index of a tenant's records, newest first. */
	public static final String TENANT_INDEX = "by-tenant";

	/** The index of a tenant's jobs in one status, newest first. */
	public static final String TENANT_STATUS_INDEX = "by-tenant-status";

	/**
	 * {@value #TENANT_INDEX}'s partition key: {@code job#<tenant>#<shard>},
	 * {@code batch#<tenant>#<shard>} or {@code apikey#all}.
	 */
	public static final String TENANT_SHARD = "tenantShard";

	/**
	 * {@value #TENANT_STATUS_INDEX}'s partition key:
	 * {@code job#<tenant>#<STATUS>#<shard>}; it moves with the job's status.
	 */
	public static final String TENANT_STATUS_SHARD = "tenantStatusShard";

	/**
	 * Both indexes' sort key: the creation time in epoch milliseconds, 13 digits, then
	 * {@code #} and the record's ID, so that it is unique and sorts by age.
	 */
	public static final String LIST_KEY = "listKey";

	/**
	 * The sparse index of the webhook outbox: only items that owe a webhook event have
	 * its keys ({@value #OUTBOX}, {@value #OUTBOX_AT}), written with the outcome and
	 * removed once the event is queued, so the sweeper reads only what is owed.
	 */
	public static final String OUTBOX_INDEX = "by-outbox";

	/** {@value #OUTBOX_INDEX}'s partition key: {@code outbox#<shard>}. */
	public static final String OUTBOX = "outbox";

	/**
	 * {@value #OUTBOX_INDEX}'s sort key: when the event became owed, epoch milliseconds
	 * in 13 digits, then {@code #} and the record's ID.
	 */
	public static final String OUTBOX_AT = "outboxAt";

	/** How many partitions the outbox index is spread over. */
	public static final int OUTBOX_SHARDS = 4;

	/** How many index partitions one tenant's records are spread over. */
	public static final int TENANT_SHARDS = 8;

	private static final Logger logger = LoggerFactory.getLogger(JobTable.class);

	private JobTable() {
	}

	/** The request that creates the table, on-demand billing. */
	public static CreateTableRequest createTableRequest(String tableName) {
		return CreateTableRequest.builder()
			.tableName(tableName)
			.keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
			.attributeDefinitions(stringAttribute(KEY), stringAttribute(TENANT_SHARD),
					stringAttribute(TENANT_STATUS_SHARD), stringAttribute(LIST_KEY), stringAttribute(OUTBOX),
					stringAttribute(OUTBOX_AT))
			.globalSecondaryIndexes(index(TENANT_INDEX, TENANT_SHARD, LIST_KEY),
					index(TENANT_STATUS_INDEX, TENANT_STATUS_SHARD, LIST_KEY), index(OUTBOX_INDEX, OUTBOX, OUTBOX_AT))
			.billingMode(BillingMode.PAY_PER_REQUEST)
			.build();
	}

	private static AttributeDefinition stringAttribute(String name) {
		return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
	}

	private static GlobalSecondaryIndex index(String name, String partitionKey, String sortKey) {
		return GlobalSecondaryIndex.builder()
			.indexName(name)
			.keySchema(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build(),
					KeySchemaElement.builder().attributeName(sortKey).keyType(KeyType.RANGE).build())
			.projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build())
			.build();
	}

	/** The shard of the record with ID {@code id}, 0 to {@link #TENANT_SHARDS} - 1. */
	public static int shardOf(String id) {
		return Math.floorMod(id.hashCode(), TENANT_SHARDS);
	}

	/** The {@value #OUTBOX} of a record with ID {@code id}. */
	public static String outboxShard(String id) {
		return "outbox#" + Math.floorMod(id.hashCode(), OUTBOX_SHARDS);
	}

	/**
	 * The {@value #LIST_KEY} of a record with ID {@code id} created at {@code createdAt}.
	 */
	public static String listKey(Instant createdAt, String id) {
		// What String.format("%013d#%s") gives, without parsing a format for every job.
		String millis = Long.toString(createdAt.toEpochMilli());
		StringBuilder key = new StringBuilder(14 + id.length());
		for (int i = millis.length(); i < 13; i++) {
			key.append('0');
		}
		return key.append(millis).append('#').append(id).toString();
	}

	/**
	 * Creates the table, waits until it is active and turns TTL on; does nothing to a
	 * table that exists already.
	 */
	public static CompletableFuture<Void> createIfAbsent(DynamoDbAsyncClient dynamoDb, String tableName) {
		return dynamoDb.createTable(createTableRequest(tableName)).handle((created, failure) -> {
			if (failure == null) {
				logger.info("Created DynamoDB table {}", tableName);
				return true;
			}
			if (Futures.unwrap(failure) instanceof ResourceInUseException) {
				return false;
			}
			throw Futures.asCompletionException(failure);
		}).thenCompose((created) -> {
			if (!created) {
				return CompletableFuture.completedFuture(null);
			}
			return dynamoDb.waiter()
				.waitUntilTableExists((request) -> request.tableName(tableName))
				.thenCompose((ignored) -> dynamoDb.updateTimeToLive((request) -> request.tableName(tableName)
					.timeToLiveSpecification((ttl) -> ttl.attributeName(TTL_ATTRIBUTE).enabled(true))))
				.thenApply((ignored) -> null);
		});
	}

}
