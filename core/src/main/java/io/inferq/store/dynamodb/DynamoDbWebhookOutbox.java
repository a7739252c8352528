package io.inferq.store.dynamodb;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookOutbox;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * {@link WebhookOutbox} on the jobs table: the marks are the {@value JobTable#OUTBOX} and
 * {@value JobTable#OUTBOX_AT} attributes {@link JobItems} writes with a job's outcome,
 * read through the sparse {@value JobTable#OUTBOX_INDEX} index (one {@code Query} per
 * shard) and removed by an {@code UpdateItem} conditional on the mark's value. A batch's
 * event is claimed on its record ({@value #EVENT_CLAIMED_BY}, and
 * {@value #TOPICS_EVENT_CLAIMED_BY} for the topics), conditionally.
 */
public class DynamoDbWebhookOutbox implements WebhookOutbox {

	/** The batch record's attribute naming who sends its completion event. */
	static final String EVENT_CLAIMED_BY = "webhookClaimedBy";

	/** The batch record's attribute naming who publishes its event to the topics. */
	static final String TOPICS_EVENT_CLAIMED_BY = "topicsClaimedBy";

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbWebhookOutbox(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<List<JobId>> owed(Instant before, int limit) {
		String bound = String.format("%013d", before.toEpochMilli());
		List<CompletableFuture<List<JobId>>> shards = new ArrayList<>();
		for (int shard = 0; shard < JobTable.OUTBOX_SHARDS; shard++) {
			String partition = "outbox#" + shard;
			shards
				.add(this.dynamoDb
					.query((query) -> query.tableName(this.tableName)
						.indexName(JobTable.OUTBOX_INDEX)
						.keyConditionExpression("#outbox = :shard AND #at < :before")
						.expressionAttributeNames(Map.of("#outbox", JobTable.OUTBOX, "#at", JobTable.OUTBOX_AT))
						.expressionAttributeValues(Map.of(":shard", AttributeValue.fromS(partition), ":before",
								AttributeValue.fromS(bound)))
						.limit(limit))
					.thenApply((response) -> response.items()
						.stream()
						.map((item) -> new JobId(item.get(JobTable.KEY).s()))
						.toList()));
		}
		return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply((all) -> {
			List<JobId> owed = new ArrayList<>();
			shards.forEach((shard) -> owed.addAll(shard.join()));
			return owed.subList(0, Math.min(limit, owed.size()));
		});
	}

	@Override
	public CompletableFuture<Void> clear(Job job) {
		if (job.finishedAt() == null) {
			return CompletableFuture.completedFuture(null);
		}
		String mark = JobTable.listKey(job.finishedAt(), job.id().value());
		CompletableFuture<Void> cleared = this.dynamoDb
			.updateItem((update) -> update.tableName(this.tableName)
				.key(JobItems.key(job.id()))
				.updateExpression("REMOVE #outbox, #at")
				.conditionExpression("#at = :mark")
				.expressionAttributeNames(Map.of("#outbox", JobTable.OUTBOX, "#at", JobTable.OUTBOX_AT))
				.expressionAttributeValues(Map.of(":mark", AttributeValue.fromS(mark))))
			.thenApply((response) -> null);
		return Futures.recover(cleared, (failure) -> (failure instanceof ConditionalCheckFailedException)
				? CompletableFuture.completedFuture(null) : Futures.failed(failure));
	}

	@Override
	public CompletableFuture<Boolean> claimBatchEvent(BatchId batch, URI destination, String claimant) {
		String claimedBy = WebhookMessage.TOPICS.equals(destination) ? TOPICS_EVENT_CLAIMED_BY : EVENT_CLAIMED_BY;
		CompletableFuture<Boolean> claimed = this.dynamoDb
			.updateItem((update) -> update.tableName(this.tableName)
				.key(BatchItems.key(batch))
				.updateExpression("SET #by = :me")
				.conditionExpression("attribute_exists(#id) AND (attribute_not_exists(#by) OR #by = :me)")
				.expressionAttributeNames(Map.of("#by", claimedBy, "#id", JobTable.KEY))
				.expressionAttributeValues(Map.of(":me", AttributeValue.fromS(claimant))))
			.thenApply((response) -> true);
		return Futures.recover(claimed, (failure) -> (failure instanceof ConditionalCheckFailedException)
				? CompletableFuture.completedFuture(false) : Futures.failed(failure));
	}

	/**
	 * One strongly consistent {@code GetItem} of the batch's record, its status and
	 * {@value BatchItems#SHARDS_LEFT} only: the shards whose jobs have not all ended,
	 * which the transaction of each shard's last job decrements.
	 */
	@Override
	public CompletableFuture<Boolean> batchMayHaveEnded(BatchId batch) {
		return this.dynamoDb
			.getItem((read) -> read.tableName(this.tableName)
				.key(BatchItems.key(batch))
				.consistentRead(true)
				.projectionExpression("#status, #left")
				.expressionAttributeNames(Map.of("#status", BatchItems.STATUS, "#left", BatchItems.SHARDS_LEFT)))
			.thenApply((response) -> {
				if (!response.hasItem() || !response.item().containsKey(BatchItems.STATUS)) {
					return false;
				}
				Map<String, AttributeValue> record = response.item();
				if (!record.containsKey(BatchItems.SHARDS_LEFT)) {
					// Counters on the record (before they were sharded): look.
					return true;
				}
				return switch (BatchStatus.valueOf(record.get(BatchItems.STATUS).s())) {
					case ENQUEUEING, COMPLETED -> true;
					case IN_PROGRESS, CANCELLED -> BatchItems.number(record, BatchItems.SHARDS_LEFT) <= 0;
					case FAILED -> false;
				};
			});
	}

}
