package io.inferq.store.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Backoff;
import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.store.BatchStore;
import io.inferq.store.StaleBatchException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import static io.inferq.store.dynamodb.JobItems.instant;
import static io.inferq.store.dynamodb.JobItems.n;
import static io.inferq.store.dynamodb.JobItems.s;

/**
 * {@link BatchStore} on the jobs table (see {@link JobTable}): one record per batch,
 * keyed {@value JobTable#BATCH_KEY_PREFIX}{@code <batchId>}, changed by conditional
 * {@code UpdateItem}s, and its counters spread over shard items ({@link BatchItems},
 * {@link BatchCounters}); a batch is read with one {@code BatchGetItem} of both. Writes
 * that lose to a concurrent transaction of a job of the batch are tried again.
 */
public class DynamoDbBatchStore implements BatchStore {

	private static final String ENQUEUEING = BatchStatus.ENQUEUEING.name();

	/**
	 * How many {@code BatchWriteItem} calls of deletes a discard has in flight at once.
	 */
	private static final int DISCARD_CALLS_IN_FLIGHT = 8;

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	private final BatchItems items;

	private final Backoff unprocessed;

	private final BatchCounters counters;

	/**
	 * @param retention how long DynamoDB keeps a batch after its deadline (through TTL)
	 */
	public DynamoDbBatchStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention) {
		this(dynamoDb, tableName, retention, Backoff.AWS_PARTIAL_FAILURES);
	}

	/**
	 * @param retention how long DynamoDB keeps a batch after its deadline (through TTL)
	 * @param unprocessed how a discard retries the deletes DynamoDB left unprocessed
	 */
	public DynamoDbBatchStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention, Backoff unprocessed) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
		this.items = new BatchItems(retention);
		this.unprocessed = unprocessed;
		this.counters = new BatchCounters(dynamoDb, tableName);
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

	/**
	 * One {@code BatchGetItem} of the record and its shards, strongly consistent; and
	 * again of the shards if they lag a COMPLETED record. Each read of a
	 * {@code BatchGetItem} is serializable with transactions, the whole is not: it may
	 * read a shard before the last job's transaction and the record after it. Since that
	 * transaction had committed when the record was read, a read of the shards after it
	 * sees their final counts.
	 */
	@Override
	public CompletableFuture<Optional<Batch>> find(BatchId id) {
		List<Map<String, AttributeValue>> keys = new ArrayList<>(BatchItems.SHARDS + 1);
		keys.add(BatchItems.key(id));
		keys.addAll(shardKeys(id));
		return read(keys, new HashMap<>(), 1).thenCompose((found) -> {
			Map<String, AttributeValue> record = found.remove(BatchItems.key(id).get(JobTable.KEY).s());
			if (record == null) {
				return CompletableFuture.completedFuture(Optional.empty());
			}
			CompletableFuture<Map<String, Map<String, AttributeValue>>> shards = BatchItems.lagging(record,
					found.values()) ? read(shardKeys(id), new HashMap<>(), 1)
							: CompletableFuture.completedFuture(found);
			return shards
				.thenApply((settled) -> Optional.of(BatchItems.fromItems(record, List.copyOf(settled.values()))));
		});
	}

	private static List<Map<String, AttributeValue>> shardKeys(BatchId id) {
		List<Map<String, AttributeValue>> keys = new ArrayList<>(BatchItems.SHARDS);
		for (int shard = 0; shard < BatchItems.SHARDS; shard++) {
			keys.add(BatchItems.shardKey(id, shard));
		}
		return keys;
	}

	private CompletableFuture<Map<String, Map<String, AttributeValue>>> read(List<Map<String, AttributeValue>> keys,
			Map<String, Map<String, AttributeValue>> found, int attempt) {
		return this.dynamoDb
			.batchGetItem((request) -> request.requestItems(
					Map.of(this.tableName, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())))
			.thenCompose((response) -> {
				for (Map<String, AttributeValue> item : response.responses().getOrDefault(this.tableName, List.of())) {
					found.put(item.get(JobTable.KEY).s(), item);
				}
				KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(this.tableName)
						: null;
				if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
					return CompletableFuture.completedFuture(found);
				}
				if (!this.unprocessed.allowsAnotherAttempt(attempt)) {
					return Futures.failed(new IllegalStateException("DynamoDB left " + left.keys().size()
							+ " batch reads unprocessed after " + attempt + " attempts"));
				}
				return this.unprocessed.after(attempt, () -> read(List.copyOf(left.keys()), found, attempt + 1));
			});
	}

	@Override
	public CompletableFuture<Void> addJobs(Batch batch, long from, int count) {
		return this.counters.add(batch, from, count, this.items.expiresAt(batch));
	}

	@Override
	public CompletableFuture<Batch> renewLease(BatchId id, Instant until) {
		return update(id, "renew its lease", "SET #lease = :lease", "#status = :enqueueing",
				Map.of("#lease", BatchItems.LEASE_EXPIRES_AT, "#status", BatchItems.STATUS),
				Map.of(":lease", BatchItems.millis(until), ":enqueueing", s(ENQUEUEING)));
	}

	/**
	 * One conditional update: IN_PROGRESS, with the shards that never got a job taken off
	 * {@link BatchItems#SHARDS_LEFT}; or, if that leaves none because every job ended
	 * already (the last job's transaction found the batch ENQUEUEING), COMPLETED, written
	 * by {@link BatchItems#completion}.
	 */
	@Override
	public CompletableFuture<Batch> markEnqueued(BatchId id, String fingerprint, long total, Instant now) {
		long unused = BatchItems.SHARDS - Math.min(BatchItems.SHARDS, total);
		return withCounts(Futures.recover(markEnqueued(id, fingerprint, unused, now, false), (failure) -> {
			if (failure instanceof StaleBatchException stale && stale.current().isPresent()
					&& stale.current().get().status() == BatchStatus.ENQUEUEING) {
				return markEnqueued(id, fingerprint, unused, now, true);
			}
			return Futures.failed(failure);
		}));
	}

	private CompletableFuture<Batch> markEnqueued(BatchId id, String fingerprint, long unused, Instant now,
			boolean ended) {
		Map<String, String> names = new HashMap<>(Map.of("#status", BatchItems.STATUS, "#lease",
				BatchItems.LEASE_EXPIRES_AT, "#enqueuedAt", BatchItems.ENQUEUED_AT, "#left", BatchItems.SHARDS_LEFT));
		Map<String, AttributeValue> values = new HashMap<>(Map.of(":enqueueing", s(ENQUEUEING), ":now", instant(now),
				":unused", n(unused), ":minusUnused", n(-unused)));
		String set;
		if (ended) {
			set = "SET " + BatchItems.completion(now, names, values) + ", #enqueuedAt = :now";
		}
		else {
			values.put(":inProgress", s(BatchStatus.IN_PROGRESS.name()));
			set = "SET #status = :inProgress, #enqueuedAt = :now";
		}
		if (fingerprint != null) {
			names.put("#fingerprint", BatchItems.FINGERPRINT);
			values.put(":fingerprint", s(fingerprint));
			set += ", #fingerprint = :fingerprint";
		}
		String condition = "#status = :enqueueing AND #left " + (ended ? "=" : "<>") + " :unused";
		return update(id, ended ? "become COMPLETED" : "become IN_PROGRESS",
				set + " REMOVE #lease ADD #left :minusUnused", condition, names, values);
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

	/**
	 * Reads the batch first: one that ended without being accepted can never be accepted
	 * any more ({@link #markEnqueued} needs ENQUEUEING), so that read guards the deletes.
	 * Then deletes the jobs with {@code BatchWriteItem}s, a few at a time, and the
	 * counters' shards last, so that a job a worker cancelled meanwhile does not count.
	 */
	@Override
	public CompletableFuture<Void> discard(BatchId id, long jobs) {
		return find(id).thenCompose((found) -> {
			Batch batch = found.orElse(null);
			if (batch == null || batch.status() == BatchStatus.ENQUEUEING || batch.enqueuedAt() != null) {
				return Futures.failed(new StaleBatchException(id, "be discarded", batch));
			}
			return deleteJobs(id, 0, jobs).thenCompose((deleted) -> deleteCounters(id));
		});
	}

	private CompletableFuture<Void> deleteJobs(BatchId id, long from, long to) {
		if (from >= to) {
			return CompletableFuture.completedFuture(null);
		}
		long perRound = (long) DISCARD_CALLS_IN_FLIGHT * DynamoDbJobStore.MAX_BATCH_WRITE;
		long end = Math.min(to, from + perRound);
		List<CompletableFuture<Void>> calls = new ArrayList<>();
		for (long start = from; start < end; start += DynamoDbJobStore.MAX_BATCH_WRITE) {
			List<WriteRequest> deletes = LongStream
				.range(start, Math.min(end, start + DynamoDbJobStore.MAX_BATCH_WRITE))
				.mapToObj((seq) -> WriteRequest.builder()
					.deleteRequest(DeleteRequest.builder().key(JobItems.key(id.jobId(seq))).build())
					.build())
				.toList();
			calls.add(batchWrite(deletes, 1));
		}
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
			.thenCompose((round) -> deleteJobs(id, end, to));
	}

	private CompletableFuture<Void> batchWrite(List<WriteRequest> writes, int attempt) {
		return this.dynamoDb.batchWriteItem((request) -> request.requestItems(Map.of(this.tableName, writes)))
			.thenCompose((response) -> {
				List<WriteRequest> left = response.hasUnprocessedItems()
						? response.unprocessedItems().getOrDefault(this.tableName, List.of()) : List.of();
				if (left.isEmpty()) {
					return CompletableFuture.completedFuture(null);
				}
				if (!this.unprocessed.allowsAnotherAttempt(attempt)) {
					return Futures.failed(new IllegalStateException("DynamoDB left " + left.size() + " of "
							+ writes.size() + " job deletes unprocessed after " + attempt + " attempts"));
				}
				return this.unprocessed.after(attempt, () -> batchWrite(List.copyOf(left), attempt + 1));
			});
	}

	/** Deletes the batch's counter shards: their jobs are gone. */
	private CompletableFuture<Void> deleteCounters(BatchId id) {
		List<WriteRequest> deletes = shardKeys(id).stream()
			.map((key) -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build())
			.toList();
		return batchWrite(deletes, 1);
	}

	/** The batch {@code updated} returns, with its counts read from its shards. */
	private CompletableFuture<Batch> withCounts(CompletableFuture<Batch> updated) {
		return updated.thenCompose((batch) -> find(batch.id()).thenApply((found) -> found.orElse(batch)));
	}

	@Override
	public CompletableFuture<Batch> cancel(BatchId id, Instant now) {
		return withCounts(update(id, "be cancelled", "SET #status = :cancelled, #endedAt = :now REMOVE #lease",
				"#status IN (:enqueueing, :inProgress)",
				Map.of("#status", BatchItems.STATUS, "#endedAt", BatchItems.ENDED_AT, "#lease",
						BatchItems.LEASE_EXPIRES_AT),
				Map.of(":enqueueing", s(ENQUEUEING), ":inProgress", s(BatchStatus.IN_PROGRESS.name()), ":cancelled",
						s(BatchStatus.CANCELLED.name()), ":now", instant(now))));
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
