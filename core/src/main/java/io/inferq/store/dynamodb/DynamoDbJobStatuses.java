package io.inferq.store.dynamodb;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.JobStatuses;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * {@link JobStatuses} as one {@code BatchGetItem} of up to 100 keys, projected to the key
 * and the status. DynamoDB charges a read by the item's whole size, not by what is
 * projected (per 4 KB of item: half a read unit eventually consistent, one strongly
 * consistent); the projection saves bytes on the wire and in the API's memory. Keys
 * DynamoDB leaves unprocessed are left out of the answer, not retried: the watcher asks
 * again at its next poll.
 */
public class DynamoDbJobStatuses implements JobStatuses {

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbJobStatuses(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<Map<JobId, JobStatus>> statuses(Collection<JobId> ids) {
		if (ids.size() > MAX_IDS) {
			return CompletableFuture
				.failedFuture(new IllegalArgumentException("At most " + MAX_IDS + " IDs at once; were " + ids.size()));
		}
		if (ids.isEmpty()) {
			return CompletableFuture.completedFuture(Map.of());
		}
		List<Map<String, AttributeValue>> keys = ids.stream()
			.distinct()
			.map((id) -> Map.of(JobTable.KEY, AttributeValue.fromS(id.value())))
			.toList();
		KeysAndAttributes request = KeysAndAttributes.builder()
			.keys(keys)
			.consistentRead(true)
			.projectionExpression("#id, #status")
			.expressionAttributeNames(Map.of("#id", JobTable.KEY, "#status", JobItems.STATUS))
			.build();
		return this.dynamoDb.batchGetItem((batch) -> batch.requestItems(Map.of(this.tableName, request)))
			.thenApply((response) -> {
				Map<JobId, JobStatus> statuses = new HashMap<>();
				for (Map<String, AttributeValue> item : response.responses().getOrDefault(this.tableName, List.of())) {
					AttributeValue status = item.get(JobItems.STATUS);
					if (status != null && status.s() != null) {
						statuses.put(new JobId(item.get(JobTable.KEY).s()), JobStatus.valueOf(status.s()));
					}
				}
				return statuses;
			});
	}

}
