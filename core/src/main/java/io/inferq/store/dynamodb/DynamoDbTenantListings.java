package io.inferq.store.dynamodb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.inferq.batch.BatchId;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.Listing;
import io.inferq.store.TenantListings;
import io.inferq.tenant.TenantId;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * {@link TenantListings} on the tenant indexes of the jobs table (see {@link JobTable}).
 * A page queries each of the tenant's {@value JobTable#TENANT_SHARDS} shards for its
 * newest {@code limit} keys below the cursor, in parallel, and keeps the newest
 * {@code limit} of them all: any key of the page is among its own shard's newest
 * {@code limit}. The cursor is the last {@value JobTable#LIST_KEY} of the page, so no
 * per-shard position needs to be kept. Only {@code Query}, never {@code Scan}.
 */
public class DynamoDbTenantListings implements TenantListings {

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbTenantListings(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<Listing<JobId>> jobs(TenantId tenant, JobStatus status, int limit, String cursor) {
		IntFunction<String> partition = (status != null) ? (shard) -> TenantIndexKeys.jobs(tenant, status, shard)
				: (shard) -> TenantIndexKeys.jobs(tenant, shard);
		String index = (status != null) ? JobTable.TENANT_STATUS_INDEX : JobTable.TENANT_INDEX;
		String partitionKey = (status != null) ? JobTable.TENANT_STATUS_SHARD : JobTable.TENANT_SHARD;
		return newestFirst(index, partitionKey, partition, limit, cursor).thenApply((page) -> new Listing<>(
				page.items().stream().map((listKey) -> new JobId(TenantIndexKeys.idOf(listKey))).toList(),
				page.next()));
	}

	@Override
	public CompletableFuture<Listing<BatchId>> batches(TenantId tenant, int limit, String cursor) {
		return newestFirst(JobTable.TENANT_INDEX, JobTable.TENANT_SHARD,
				(shard) -> TenantIndexKeys.batches(tenant, shard), limit, cursor)
			.thenApply((page) -> new Listing<>(
					page.items().stream().map((listKey) -> new BatchId(TenantIndexKeys.idOf(listKey))).toList(),
					page.next()));
	}

	@Override
	public CompletableFuture<Long> countJobs(TenantId tenant, JobStatus status, long atMost) {
		List<CompletableFuture<Long>> shards = IntStream.range(0, JobTable.TENANT_SHARDS)
			.mapToObj((shard) -> count(TenantIndexKeys.jobs(tenant, status, shard), atMost, 0, null))
			.toList();
		return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new))
			.thenApply((all) -> Math.min(atMost, shards.stream().mapToLong(CompletableFuture::join).sum()));
	}

	private CompletableFuture<Long> count(String partition, long atMost, long counted,
			Map<String, AttributeValue> startKey) {
		QueryRequest request = QueryRequest.builder()
			.tableName(this.tableName)
			.indexName(JobTable.TENANT_STATUS_INDEX)
			.keyConditionExpression("#p = :p")
			.expressionAttributeNames(Map.of("#p", JobTable.TENANT_STATUS_SHARD))
			.expressionAttributeValues(Map.of(":p", AttributeValue.fromS(partition)))
			.select(Select.COUNT)
			.limit((int) Math.min(Integer.MAX_VALUE, Math.max(1, atMost - counted)))
			.exclusiveStartKey(startKey)
			.build();
		return this.dynamoDb.query(request).thenCompose((response) -> {
			long now = counted + response.count();
			if (now >= atMost || !response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
				return CompletableFuture.completedFuture(now);
			}
			return count(partition, atMost, now, response.lastEvaluatedKey());
		});
	}

	private CompletableFuture<Listing<String>> newestFirst(String index, String partitionKey,
			IntFunction<String> partition, int limit, String cursor) {
		List<CompletableFuture<QueryResponse>> shards = IntStream.range(0, JobTable.TENANT_SHARDS)
			.mapToObj((shard) -> this.dynamoDb
				.query(newestFirst(index, partitionKey, partition.apply(shard), limit, cursor)))
			.toList();
		return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply((all) -> {
			List<String> keys = new ArrayList<>();
			boolean more = false;
			for (CompletableFuture<QueryResponse> shard : shards) {
				QueryResponse response = shard.join();
				response.items().forEach((item) -> keys.add(item.get(JobTable.LIST_KEY).s()));
				more |= response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty();
			}
			keys.sort(Comparator.reverseOrder());
			more |= keys.size() > limit;
			List<String> page = keys.subList(0, Math.min(limit, keys.size()));
			return new Listing<>(page, (more && !page.isEmpty()) ? page.get(page.size() - 1) : null);
		});
	}

	private QueryRequest newestFirst(String index, String partitionKey, String partition, int limit, String cursor) {
		Map<String, String> names = new HashMap<>(Map.of("#p", partitionKey));
		Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(partition)));
		String condition = "#p = :p";
		if (cursor != null) {
			names.put("#k", JobTable.LIST_KEY);
			values.put(":cursor", AttributeValue.fromS(cursor));
			condition += " AND #k < :cursor";
		}
		return QueryRequest.builder()
			.tableName(this.tableName)
			.indexName(index)
			.keyConditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.scanIndexForward(false)
			.limit(limit)
			.build();
	}

}
