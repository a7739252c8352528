package io.inferq.store.dynamodb;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.JobTooLargeException;
import io.inferq.store.StaleJobException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * {@link JobStore} on a DynamoDB table defined by {@link JobTable}: one item per job,
 * written whole with {@code PutItem} under a condition on the {@code version} attribute.
 */
public class DynamoDbJobStore implements JobStore {

	/** DynamoDB's limit on one item, in bytes. */
	public static final long MAX_ITEM_BYTES = 400 * 1024;

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	private final JobItems items;

	/**
	 * @param retention how long DynamoDB keeps a job after it ended (through TTL)
	 */
	public DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
		this.items = new JobItems(retention);
	}

	@Override
	public CompletableFuture<Job> create(Job job) {
		return put(job, 1, "attribute_not_exists(#id)", Map.of("#id", JobTable.KEY), Map.of(),
				(current) -> new JobAlreadyExistsException(job.id()));
	}

	@Override
	public CompletableFuture<Optional<Job>> find(JobId id) {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName).key(JobItems.key(id)).consistentRead(true))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					? Optional.of(JobItems.fromItem(response.item())) : Optional.empty());
	}

	@Override
	public CompletableFuture<Job> update(Job job) {
		return put(job, job.version() + 1, "#version = :expected", Map.of("#version", JobItems.VERSION),
				Map.of(":expected", JobItems.n(job.version())),
				(current) -> new StaleJobException(job.id(), job.version(), current));
	}

	private CompletableFuture<Job> put(Job job, long newVersion, String condition, Map<String, String> names,
			Map<String, AttributeValue> values, java.util.function.Function<Job, RuntimeException> onConflict) {
		Map<String, AttributeValue> item = this.items.toItem(job, newVersion);
		long size = JobItems.size(item);
		if (size > MAX_ITEM_BYTES) {
			return Futures.failed(new JobTooLargeException(job.id(), size, MAX_ITEM_BYTES));
		}
		PutItemRequest request = PutItemRequest.builder()
			.tableName(this.tableName)
			.item(item)
			.conditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values.isEmpty() ? null : values)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
		return Futures.recover(this.dynamoDb.putItem(request).thenApply((response) -> job.withVersion(newVersion)),
				(failure) -> {
					if (failure instanceof ConditionalCheckFailedException conflict) {
						Job current = conflict.hasItem() && !conflict.item().isEmpty()
								? JobItems.fromItem(conflict.item()) : null;
						return Futures.failed(onConflict.apply(current));
					}
					return Futures.failed(failure);
				});
	}

}
