package io.inferq.store.dynamodb;

import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The one definition of the jobs table: its default name, key schema and TTL attribute.
 * The stand-ins, the LocalStack init hook, the deployment template and the apps all
 * follow it.
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

	private static final Logger logger = LoggerFactory.getLogger(JobTable.class);

	private JobTable() {
	}

	/** The request that creates the table, on-demand billing. */
	public static CreateTableRequest createTableRequest(String tableName) {
		return CreateTableRequest.builder()
			.tableName(tableName)
			.keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
			.attributeDefinitions(
					AttributeDefinition.builder().attributeName(KEY).attributeType(ScalarAttributeType.S).build())
			.billingMode(BillingMode.PAY_PER_REQUEST)
			.build();
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
