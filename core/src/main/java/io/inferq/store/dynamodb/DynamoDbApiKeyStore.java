package io.inferq.store.dynamodb;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.inferq.concurrent.Futures;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import static io.inferq.store.dynamodb.JobItems.instant;
import static io.inferq.store.dynamodb.JobItems.s;
import static io.inferq.store.dynamodb.JobItems.string;

/**
 * {@link ApiKeyStore} on the jobs table (see {@link JobTable}): one item per key, keyed
 * {@value JobTable#API_KEY_PREFIX}{@code <sha256>}, without TTL. All keys share one
 * partition of the {@value JobTable#TENANT_INDEX} index, sorted by tenant and ID: keys
 * are few and written rarely, and listing or revoking one by its ID is then one query.
 */
public class DynamoDbApiKeyStore implements ApiKeyStore {

	private static final String KEY_ID = "keyId";

	private static final String NAME = "name";

	private static final String CREATED_AT = "createdAt";

	private static final String REVOKED_AT = "revokedAt";

	private static final String SUBMITS_PER_SECOND = "submitsPerSecond";

	private static final String SUBMIT_BURST = "submitBurst";

	private static final String MAX_QUEUED_JOBS = "maxQueuedJobs";

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbApiKeyStore(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<ApiKey> create(ApiKey key) {
		return this.dynamoDb
			.putItem((request) -> request.tableName(this.tableName)
				.item(toItem(key))
				.conditionExpression("attribute_not_exists(#id)")
				.expressionAttributeNames(Map.of("#id", JobTable.KEY)))
			.thenApply((response) -> key);
	}

	@Override
	public CompletableFuture<Optional<ApiKey>> findByHash(String hash) {
		return this.dynamoDb.getItem((request) -> request.tableName(this.tableName).key(key(hash)).consistentRead(true))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					? Optional.of(fromItem(response.item())) : Optional.empty());
	}

	@Override
	public CompletableFuture<Optional<ApiKey>> revoke(String id, Instant now) {
		return listKeys(null).thenCompose((listKeys) -> {
			Optional<String> hash = listKeys.stream()
				.filter((entry) -> entry.listKey().endsWith("#" + id))
				.map(IndexEntry::hash)
				.findFirst();
			if (hash.isEmpty()) {
				return CompletableFuture.completedFuture(Optional.empty());
			}
			CompletableFuture<Optional<ApiKey>> revoked = this.dynamoDb
				.updateItem((request) -> request.tableName(this.tableName)
					.key(key(hash.get()))
					.updateExpression("SET #revokedAt = if_not_exists(#revokedAt, :now)")
					.conditionExpression("attribute_exists(#id)")
					.expressionAttributeNames(Map.of("#revokedAt", REVOKED_AT, "#id", JobTable.KEY))
					.expressionAttributeValues(Map.of(":now", instant(now)))
					.returnValues(ReturnValue.ALL_NEW))
				.thenApply((response) -> Optional.of(fromItem(response.attributes())));
			return Futures.recover(revoked, (failure) -> (failure instanceof ConditionalCheckFailedException)
					? CompletableFuture.completedFuture(Optional.empty()) : Futures.failed(failure));
		});
	}

	@Override
	public CompletableFuture<List<ApiKey>> list(TenantId tenant) {
		return listKeys(tenant).thenCompose((listKeys) -> {
			List<CompletableFuture<Optional<ApiKey>>> keys = listKeys.stream()
				.map((entry) -> findByHash(entry.hash()))
				.toList();
			return CompletableFuture.allOf(keys.toArray(CompletableFuture[]::new))
				.thenApply((all) -> keys.stream()
					.map(CompletableFuture::join)
					.flatMap(Optional::stream)
					.sorted(Comparator.comparing((ApiKey key) -> key.tenant().value()).thenComparing(ApiKey::id))
					.toList());
		});
	}

	/** The index entries of every key, or of {@code tenant}'s. */
	private CompletableFuture<List<IndexEntry>> listKeys(TenantId tenant) {
		Map<String, String> names = new HashMap<>(Map.of("#p", JobTable.TENANT_SHARD));
		Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", s(TenantIndexKeys.API_KEYS)));
		String condition = "#p = :p";
		if (tenant != null) {
			names.put("#k", JobTable.LIST_KEY);
			values.put(":tenant", s(tenant.value() + "#"));
			condition += " AND begins_with(#k, :tenant)";
		}
		QueryRequest request = QueryRequest.builder()
			.tableName(this.tableName)
			.indexName(JobTable.TENANT_INDEX)
			.keyConditionExpression(condition)
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.build();
		return query(request, new ArrayList<>());
	}

	private CompletableFuture<List<IndexEntry>> query(QueryRequest request, List<IndexEntry> found) {
		return this.dynamoDb.query(request).thenCompose((QueryResponse response) -> {
			response.items()
				.forEach((item) -> found.add(new IndexEntry(item.get(JobTable.LIST_KEY).s(),
						item.get(JobTable.KEY).s().substring(JobTable.API_KEY_PREFIX.length()))));
			if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
				return CompletableFuture.completedFuture(found);
			}
			return query(request.toBuilder().exclusiveStartKey(response.lastEvaluatedKey()).build(), found);
		});
	}

	/**
	 * A key as the index holds it.
	 *
	 * @param listKey {@code <tenant>#<id>}
	 * @param hash the key's hash
	 */
	private record IndexEntry(String listKey, String hash) {

	}

	private static Map<String, AttributeValue> key(String hash) {
		return Map.of(JobTable.KEY, s(JobTable.API_KEY_PREFIX + hash));
	}

	private static Map<String, AttributeValue> toItem(ApiKey key) {
		Map<String, AttributeValue> item = new HashMap<>(key(key.hash()));
		item.put(KEY_ID, s(key.id()));
		item.put(JobItems.TENANT, s(key.tenant().value()));
		item.put(JobTable.TENANT_SHARD, s(TenantIndexKeys.API_KEYS));
		item.put(JobTable.LIST_KEY, s(key.tenant().value() + "#" + key.id()));
		if (key.name() != null) {
			item.put(NAME, s(key.name()));
		}
		item.put(CREATED_AT, instant(key.createdAt()));
		if (key.revokedAt() != null) {
			item.put(REVOKED_AT, instant(key.revokedAt()));
		}
		TenantQuota quota = key.quota();
		if (quota.submitsPerSecond() != null) {
			item.put(SUBMITS_PER_SECOND, AttributeValue.fromN(quota.submitsPerSecond().toString()));
		}
		if (quota.submitBurst() != null) {
			item.put(SUBMIT_BURST, JobItems.n(quota.submitBurst()));
		}
		if (quota.maxQueuedJobs() != null) {
			item.put(MAX_QUEUED_JOBS, JobItems.n(quota.maxQueuedJobs()));
		}
		return item;
	}

	private static ApiKey fromItem(Map<String, AttributeValue> item) {
		String hash = item.get(JobTable.KEY).s().substring(JobTable.API_KEY_PREFIX.length());
		TenantQuota quota = new TenantQuota(number(item, SUBMITS_PER_SECOND, Double::valueOf),
				number(item, SUBMIT_BURST, Integer::valueOf), number(item, MAX_QUEUED_JOBS, Long::valueOf));
		return new ApiKey(item.get(KEY_ID).s(), hash, new TenantId(item.get(JobItems.TENANT).s()), string(item, NAME),
				JobItems.instant(item, CREATED_AT), JobItems.instant(item, REVOKED_AT), quota);
	}

	private static <T> T number(Map<String, AttributeValue> item, String name, Function<String, T> parse) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? parse.apply(value.n()) : null;
	}

}
