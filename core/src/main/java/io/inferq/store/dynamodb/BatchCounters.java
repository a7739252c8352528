package io.inferq.store.dynamodb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.job.JobStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import static io.inferq.store.dynamodb.JobItems.n;
import static io.inferq.store.dynamodb.JobItems.s;

/**
 * A batch's counters on its shard items (see {@link BatchItems}): jobs added by its
 * ingest, and each status change of a job counted in the same transaction as the job's
 * own write, so that the counts are exact whatever fails.
 * <p>
 * The end of the batch is observed exactly once. A job's change to an ended status
 * decrements its shard's {@link BatchItems#REMAINING} under the condition that it stays
 * above zero; the transaction that would make it zero (cancelled by that condition) is
 * tried again as the shard's last, which also decrements the record's
 * {@link BatchItems#SHARDS_LEFT} under a condition on its value. The last shard's last
 * job's transaction, when the batch is IN_PROGRESS, also writes the batch's end
 * ({@link BatchItems#completion}); when the batch is still ENQUEUEING, the end of its
 * ingest does ({@link DynamoDbBatchStore#markEnqueued}); a CANCELLED batch has ended
 * already. Every one of these is a conditional write, so a retry never counts twice and
 * two writers never both see the end.
 */
final class BatchCounters {

	/** How often a change re-plans after losing a condition on the counters. */
	private static final int MAX_PLANS = 8;

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	BatchCounters(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	/**
	 * Counts jobs {@code from} to {@code from + count - 1} of the batch as QUEUED, on
	 * their shards, in one transaction: DynamoDB applies a transaction once however often
	 * the same token is sent within ten minutes, so an {@code ADD} retried after a lost
	 * answer does not count twice.
	 */
	CompletableFuture<Void> add(Batch batch, long from, int count, long expiresAt) {
		long[] perShard = new long[BatchItems.SHARDS];
		for (long seq = from; seq < from + count; seq++) {
			perShard[BatchItems.shardOf(seq)]++;
		}
		List<TransactWriteItem> updates = new ArrayList<>();
		for (int shard = 0; shard < BatchItems.SHARDS; shard++) {
			if (perShard[shard] == 0) {
				continue;
			}
			updates.add(TransactWriteItem.builder()
				.update(Update.builder()
					.tableName(this.tableName)
					.key(BatchItems.shardKey(batch.id(), shard))
					.updateExpression("SET #ttl = if_not_exists(#ttl, :ttl) ADD #total :count, #queued :count, "
							+ "#remaining :count")
					.expressionAttributeNames(Map.of("#ttl", JobTable.TTL_ATTRIBUTE, "#total", BatchItems.TOTAL,
							"#queued", BatchItems.counter(JobStatus.QUEUED), "#remaining", BatchItems.REMAINING))
					.expressionAttributeValues(Map.of(":ttl", n(expiresAt), ":count", n(perShard[shard])))
					.build())
				.build());
		}
		// Attempts after a cancelled transaction (which did not apply) are new
		// transactions; the SDK's own retries of one attempt resend its token.
		return Conflicts.BACKOFF.retry(
				(attempt) -> this.dynamoDb.transactWriteItems(
						(request) -> request.clientRequestToken(UUID.randomUUID().toString()).transactItems(updates)),
				Conflicts::isRetryable)
			.thenApply((response) -> null);
	}

	/**
	 * Writes {@code jobWrite} (whose condition is the job's) and moves the job at
	 * {@code seq} of batch {@code id} from {@code from} ({@code null}: a new job) to
	 * {@code to} on its shard, in one transaction; if that ends the batch, writes the end
	 * too. Fails with the {@link TransactionCanceledException} whose first reason is the
	 * job's, if the job's condition failed; with {@link BatchGoneException} if the batch
	 * has no counters (any more), and the job was not written.
	 */
	CompletableFuture<Void> move(TransactWriteItem jobWrite, BatchId id, long seq, JobStatus from, JobStatus to,
			Instant now) {
		boolean ends = from != null && to.isTerminal() && !from.isTerminal();
		return attempt(jobWrite, id, seq, from, to, now, ends ? Plan.NOT_LAST : Plan.COUNT, 1);
	}

	private CompletableFuture<Void> attempt(TransactWriteItem jobWrite, BatchId id, long seq, JobStatus from,
			JobStatus to, Instant now, Plan plan, int round) {
		List<TransactWriteItem> items = new ArrayList<>(3);
		items.add(jobWrite);
		items.add(TransactWriteItem.builder().update(shardUpdate(id, seq, from, to, plan)).build());
		if (plan.record != null) {
			items.add(TransactWriteItem.builder().update(recordUpdate(id, plan, now)).build());
		}
		CompletableFuture<Void> written = Conflicts.BACKOFF.retry(
				(attempt) -> this.dynamoDb.transactWriteItems(
						(request) -> request.clientRequestToken(UUID.randomUUID().toString()).transactItems(items)),
				Conflicts::isRetryable)
			.thenApply((response) -> null);
		return Futures.recover(written, (failure) -> {
			if (!(failure instanceof TransactionCanceledException cancelled) || Conflicts.failedCondition(cancelled, 0)
					|| round >= MAX_PLANS) {
				return Futures.failed(failure);
			}
			Plan next = next(plan, cancelled);
			if (next == null) {
				return Futures.failed(failure);
			}
			if (next == Plan.GONE) {
				return Futures.failed(new BatchGoneException(id));
			}
			return attempt(jobWrite, id, seq, from, to, now, next, round + 1);
		});
	}

	/**
	 * What to try after a transaction was cancelled by a condition on the counters, from
	 * the items as they were; {@code null} if nothing else would do.
	 */
	private static Plan next(Plan plan, TransactionCanceledException cancelled) {
		if (Conflicts.failedCondition(cancelled, 1)) {
			Map<String, AttributeValue> shard = itemOf(Conflicts.reason(cancelled, 1));
			if (shard == null || !shard.containsKey(BatchItems.REMAINING)) {
				return Plan.GONE;
			}
			long remaining = BatchItems.number(shard, BatchItems.REMAINING);
			if (plan == Plan.COUNT || remaining < 1) {
				return null;
			}
			return (remaining > 1) ? Plan.NOT_LAST : Plan.LAST_OF_SHARD;
		}
		if (plan.record != null && Conflicts.failedCondition(cancelled, 2)) {
			Map<String, AttributeValue> record = itemOf(Conflicts.reason(cancelled, 2));
			if (record == null || !record.containsKey(BatchItems.SHARDS_LEFT)) {
				// Counters without a record: counted on the shard alone.
				return Plan.LAST_OF_SHARD_ALONE;
			}
			long left = BatchItems.number(record, BatchItems.SHARDS_LEFT);
			boolean inProgress = BatchStatus.IN_PROGRESS.name().equals(record.get(BatchItems.STATUS).s());
			if (left > 1) {
				return Plan.LAST_OF_SHARD;
			}
			if (left == 1) {
				return inProgress ? Plan.LAST_OF_BATCH : Plan.LAST_OF_BATCH_NOT_IN_PROGRESS;
			}
			return null;
		}
		return null;
	}

	private Update shardUpdate(BatchId id, long seq, JobStatus from, JobStatus to, Plan plan) {
		Map<String, String> names = new HashMap<>();
		Map<String, AttributeValue> values = new HashMap<>();
		names.put("#to", BatchItems.counter(to));
		values.put(":one", n(1));
		StringBuilder add = new StringBuilder("ADD #to :one");
		if (from == null) {
			names.put("#total", BatchItems.TOTAL);
			add.append(", #total :one");
			if (!to.isTerminal()) {
				names.put("#remaining", BatchItems.REMAINING);
				add.append(", #remaining :one");
			}
		}
		else {
			names.put("#from", BatchItems.counter(from));
			values.put(":minusOne", n(-1));
			add.append(", #from :minusOne");
		}
		// A new job's shard may not exist yet; a change needs the shard the ingest made.
		String condition = null;
		if (from != null) {
			names.put("#remaining", BatchItems.REMAINING);
			condition = "attribute_exists(#remaining)";
		}
		if (plan != Plan.COUNT) {
			values.putIfAbsent(":minusOne", n(-1));
			add.append(", #remaining :minusOne");
			condition = (plan == Plan.NOT_LAST) ? "#remaining > :one" : "#remaining = :one";
		}
		return Update.builder()
			.tableName(this.tableName)
			.key(BatchItems.shardKey(id, BatchItems.shardOf(seq)))
			.updateExpression(add.toString())
			.conditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
	}

	private Update recordUpdate(BatchId id, Plan plan, Instant now) {
		Map<String, String> names = new HashMap<>();
		Map<String, AttributeValue> values = new HashMap<>();
		names.put("#left", BatchItems.SHARDS_LEFT);
		values.put(":one", n(1));
		values.put(":minusOne", n(-1));
		if (plan.record != Plan.Record.DECREMENT) {
			names.put("#status", BatchItems.STATUS);
			values.put(":inProgress", s(BatchStatus.IN_PROGRESS.name()));
		}
		String expression = "ADD #left :minusOne";
		String condition = switch (plan.record) {
			case DECREMENT -> "#left > :one";
			case COMPLETE -> "#left = :one AND #status = :inProgress";
			case DECREMENT_LAST -> "#left = :one AND #status <> :inProgress";
		};
		if (plan.record == Plan.Record.COMPLETE) {
			expression = "SET " + BatchItems.completion(now, names, values) + " " + expression;
		}
		return Update.builder()
			.tableName(this.tableName)
			.key(BatchItems.key(id))
			.updateExpression(expression)
			.conditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
	}

	private static Map<String, AttributeValue> itemOf(CancellationReason reason) {
		return (reason != null && reason.hasItem() && !reason.item().isEmpty()) ? reason.item() : null;
	}

	/** What one transaction of a job's change writes on the counters. */
	private enum Plan {

		/** A change between statuses that have not ended, or between ended ones. */
		COUNT(null),

		/** A job ends, and its shard has others left. */
		NOT_LAST(null),

		/** The shard's last job ends; other shards have jobs left. */
		LAST_OF_SHARD(Record.DECREMENT),

		/** The shard's last job ends, and its batch's record is gone. */
		LAST_OF_SHARD_ALONE(null),

		/** The batch's last job ends, and it is IN_PROGRESS: it completes. */
		LAST_OF_BATCH(Record.COMPLETE),

		/** The batch's last job ends while it is ENQUEUEING or CANCELLED. */
		LAST_OF_BATCH_NOT_IN_PROGRESS(Record.DECREMENT_LAST),

		/** The batch has no counters. */
		GONE(null);

		private final Record record;

		Plan(Record record) {
			this.record = record;
		}

		enum Record {

			DECREMENT, COMPLETE, DECREMENT_LAST

		}

	}

	/** The batch of a job has no counters (any more): nothing was written. */
	static final class BatchGoneException extends RuntimeException {

		BatchGoneException(BatchId id) {
			super("Batch " + id + " has no counters");
		}

	}

}
