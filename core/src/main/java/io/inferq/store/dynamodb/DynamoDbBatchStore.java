package io.inferq.store.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.job.JobStatus;
import io.inferq.store.BatchStore;
import io.inferq.store.StaleBatchException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import static io.inferq.store.dynamodb.JobItems.instant;
import static io.inferq.store.dynamodb.JobItems.n;
import static io.inferq.store.dynamodb.JobItems.s;

/**
 * {@link BatchStore} on the jobs table (see {@link JobTable}): one item per batch, keyed
 * {@value JobTable#BATCH_KEY_PREFIX}{@code <batchId>}, changed by conditional
 * {@code UpdateItem}s. Writes that lose to a concurrent transaction of a job of the batch
 * are tried again.
 */
public class DynamoDbBatchStore implements BatchStore {

	private static final String ENQUEUEING = BatchStatus.ENQUEUEING.name();

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	private final BatchItems items;

	/**
	 * @param retention how long DynamoDB keeps a batch after its deadline (through TTL)
	 */
	public DynamoDbBatchStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
		this.items = new BatchItems(retention);
	}

	@Override
	public CompletableFuture<Batch> create(Batch batch) {
		return this.dynamoDb
			.putItem((request) -> request.tableName(this.tableName)
				.item(this.items.toItem(batch))
				.conditionExpression("attribute_not_exists(#id)")
				.expressionAttributeNames(Map.of("#id", JobTable.KEY)))
			.thenApply((response) -> batch);
	}

	@Override
	public CompletableFuture<Optional<Batch>> find(BatchId id) {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName).key(BatchItems.key(id)).consistentRead(true))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					? Optional.of(BatchItems.fromItem(response.item())) : Optional.empty());
	}

	/**
	 * A transaction of one update, for its client request token: DynamoDB applies a
	 * transaction once however often the same token is sent within ten minutes, so an
	 * {@code ADD} retried after a lost answer does not count twice.
	 */
	@Override
	public CompletableFuture<Void> addJobs(BatchId id, int count) {
		Update update = Update.builder()
			.tableName(this.tableName)
			.key(BatchItems.key(id))
			.updateExpression("ADD #total :count, #queued :count")
			.conditionExpression("attribute_exists(#id)")
			.expressionAttributeNames(Map.of("#id", JobTable.KEY, "#total", BatchItems.TOTAL, "#queued",
					BatchItems.counter(JobStatus.QUEUED)))
			.expressionAttributeValues(Map.of(":count", n(count)))
			.build();
		// Attempts after a cancelled transaction (which did not apply) are new
		// transactions;
		// the SDK's own retries of one attempt resend its token.
		return Conflicts.BACKOFF
			.retry((attempt) -> this.dynamoDb
				.transactWriteItems((request) -> request.clientRequestToken(UUID.randomUUID().toString())
					.transactItems(TransactWriteItem.builder().update(update).build())), Conflicts::isRetryable)
			.thenApply((response) -> null);
	}

	@Override
	public CompletableFuture<Batch> renewLease(BatchId id, Instant until) {
		return update(id, "renew its lease", "SET #lease = :lease", "#status = :enqueueing",
				Map.of("#lease", BatchItems.LEASE_EXPIRES_AT, "#status", BatchItems.STATUS),
				Map.of(":lease", BatchItems.millis(until), ":enqueueing", s(ENQUEUEING)));
	}

	@Override
	public CompletableFuture<Batch> markEnqueued(BatchId id, String fingerprint, Instant now) {
		Map<String, String> names = new HashMap<>(Map.of("#status", BatchItems.STATUS, "#lease",
				BatchItems.LEASE_EXPIRES_AT, "#enqueuedAt", BatchItems.ENQUEUED_AT));
		Map<String, AttributeValue> values = new HashMap<>(Map.of(":enqueueing", s(ENQUEUEING), ":inProgress",
				s(BatchStatus.IN_PROGRESS.name()), ":now", instant(now)));
		String set = "SET #status = :inProgress, #enqueuedAt = :now";
		if (fingerprint != null) {
			names.put("#fingerprint", BatchItems.FINGERPRINT);
			values.put(":fingerprint", s(fingerprint));
			set += ", #fingerprint = :fingerprint";
		}
		return update(id, "become IN_PROGRESS", set + " REMOVE #lease", "#status = :enqueueing", names, values);
	}

	@Override
	public CompletableFuture<Batch> fail(BatchId id, JobError reason, Instant now, boolean onlyIfAbandoned) {
		Map<String, String> names = Map.of("#status", BatchItems.STATUS, "#lease", BatchItems.LEASE_EXPIRES_AT,
				"#endedAt", BatchItems.ENDED_AT, "#failureType", BatchItems.FAILURE_TYPE, "#failureMessage",
				BatchItems.FAILURE_MESSAGE);
		Map<String, AttributeValue> values = new HashMap<>(
				Map.of(":enqueueing", s(ENQUEUEING), ":failed", s(BatchStatus.FAILED.name()), ":now", instant(now),
						":failureType", s(reason.type()), ":failureMessage", s(reason.message())));
		String condition = "#status = :enqueueing";
		if (onlyIfAbandoned) {
			values.put(":nowMillis", BatchItems.millis(now));
			condition += " AND #lease <= :nowMillis";
		}
		return update(id, onlyIfAbandoned ? "fail as abandoned" : "fail",
				"SET #status = :failed, #endedAt = :now, #failureType = :failureType, "
						+ "#failureMessage = :failureMessage REMOVE #lease",
				condition, names, values);
	}

	@Override
	public CompletableFuture<Batch> cancel(BatchId id, Instant now) {
		return update(id, "be cancelled", "SET #status = :cancelled, #endedAt = :now REMOVE #lease",
				"#status IN (:enqueueing, :inProgress)",
				Map.of("#status", BatchItems.STATUS, "#endedAt", BatchItems.ENDED_AT, "#lease",
						BatchItems.LEASE_EXPIRES_AT),
				Map.of(":enqueueing", s(ENQUEUEING), ":inProgress", s(BatchStatus.IN_PROGRESS.name()), ":cancelled",
						s(BatchStatus.CANCELLED.name()), ":now", instant(now)));
	}

	private CompletableFuture<Batch> update(BatchId id, String change, String expression, String condition,
			Map<String, String> names, Map<String, AttributeValue> values) {
		UpdateItemRequest request = UpdateItemRequest.builder()
			.tableName(this.tableName)
			.key(BatchItems.key(id))
			.updateExpression(expression)
			.conditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.returnValues(ReturnValue.ALL_NEW)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
		CompletableFuture<Batch> updated = Conflicts.BACKOFF.retry((attempt) -> this.dynamoDb.updateItem(request)
			.thenApply((response) -> BatchItems.fromItem(response.attributes())), Conflicts::isRetryable);
		return Futures.recover(updated, (failure) -> {
			if (failure instanceof ConditionalCheckFailedException conflict) {
				Batch current = conflict.hasItem() && !conflict.item().isEmpty() ? BatchItems.fromItem(conflict.item())
						: null;
				return Futures.failed(new StaleBatchException(id, change, current));
			}
			return Futures.failed(failure);
		});
	}

}
