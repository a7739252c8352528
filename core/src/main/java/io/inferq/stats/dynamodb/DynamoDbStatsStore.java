package io.inferq.stats.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.inferq.stats.MinuteStats;
import io.inferq.stats.StatsStore;
import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * {@link StatsStore} in the jobs table ({@link JobTable}): one item per endpoint and
 * minute, keyed {@code stats#<endpoint>#<minute>} (the minute in ISO-8601, UTC), whose
 * numbers every worker raises with one {@code UpdateItem ... ADD} (a few workers each
 * adding every 15 s is far below what one item takes), and which DynamoDB deletes two
 * hours after its minute (TTL). Reading an hour is one {@code BatchGetItem} of 60 keys,
 * eventually consistent. The endpoints are a string set in the item
 * {@code stats#endpoints}.
 */
public class DynamoDbStatsStore implements StatsStore {

	/** How long after its minute a minute's item is kept. */
	static final Duration RETENTION = Duration.ofHours(2);

	private static final String ENDPOINTS_KEY = JobTable.STATS_KEY_PREFIX + "endpoints";

	private static final String ENDPOINTS = "endpoints";

	private static final String ENDED_PREFIX = "ended_";

	private static final String LATENCY_COUNT = "latencyCount";

	private static final String LATENCY_SUM = "latencySumMillis";

	private static final String BUCKET_PREFIX = "bucket";

	/** Rounds of a batch read's unprocessed keys before it gives up. */
	private static final int MAX_READ_ROUNDS = 4;

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbStatsStore(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	static String key(String endpoint, Instant minute) {
		return JobTable.STATS_KEY_PREFIX + endpoint + "#" + MinuteStats.minuteOf(minute);
	}

	@Override
	public CompletableFuture<Void> add(String endpoint, MinuteStats counts) {
		Map<String, String> names = new HashMap<>();
		Map<String, AttributeValue> values = new HashMap<>();
		List<String> adds = new ArrayList<>();
		counts.ended().forEach((outcome, count) -> add(adds, names, values, ENDED_PREFIX + outcome, count));
		add(adds, names, values, LATENCY_COUNT, counts.latencyCount());
		add(adds, names, values, LATENCY_SUM, counts.latencySumMillis());
		for (int i = 0; i < counts.buckets().size(); i++) {
			add(adds, names, values, BUCKET_PREFIX + i, counts.buckets().get(i));
		}
		if (adds.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		names.put("#ttl", JobTable.TTL_ATTRIBUTE);
		values.put(":ttl", n(counts.minute().plus(RETENTION).getEpochSecond()));
		return this.dynamoDb
			.updateItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, s(key(endpoint, counts.minute()))))
				.updateExpression("ADD " + String.join(", ", adds) + " SET #ttl = :ttl")
				.expressionAttributeNames(names)
				.expressionAttributeValues(values))
			.thenApply((response) -> null);
	}

	private static void add(List<String> adds, Map<String, String> names, Map<String, AttributeValue> values,
			String attribute, long count) {
		if (count == 0) {
			return;
		}
		int i = adds.size();
		adds.add("#a" + i + " :a" + i);
		names.put("#a" + i, attribute);
		values.put(":a" + i, n(count));
	}

	@Override
	public CompletableFuture<Void> register(String endpoint) {
		return this.dynamoDb
			.updateItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, s(ENDPOINTS_KEY)))
				.updateExpression("ADD #endpoints :endpoint")
				.expressionAttributeNames(Map.of("#endpoints", ENDPOINTS))
				.expressionAttributeValues(Map.of(":endpoint", AttributeValue.fromSs(List.of(endpoint)))))
			.thenApply((response) -> null);
	}

	@Override
	public CompletableFuture<Set<String>> endpoints() {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName).key(Map.of(JobTable.KEY, s(ENDPOINTS_KEY))))
			.thenApply((response) -> {
				AttributeValue endpoints = response.hasItem() ? response.item().get(ENDPOINTS) : null;
				return (endpoints != null && endpoints.hasSs()) ? Set.copyOf(endpoints.ss()) : Set.of();
			});
	}

	@Override
	public CompletableFuture<List<MinuteStats>> minutes(String endpoint, Instant from, Instant to) {
		Map<String, Instant> minutes = new LinkedHashMap<>();
		for (Instant minute = MinuteStats.minuteOf(from); minute.isBefore(to)
				&& minutes.size() < MAX_MINUTES; minute = minute.plusSeconds(60)) {
			minutes.put(key(endpoint, minute), minute);
		}
		if (minutes.isEmpty()) {
			return CompletableFuture.completedFuture(List.of());
		}
		List<Map<String, AttributeValue>> keys = minutes.keySet()
			.stream()
			.map((key) -> Map.of(JobTable.KEY, s(key)))
			.toList();
		return read(keys, new HashMap<>(), 1).thenApply((items) -> minutes.entrySet()
			.stream()
			.map((minute) -> items.containsKey(minute.getKey()) ? stats(minute.getValue(), items.get(minute.getKey()))
					: MinuteStats.empty(minute.getValue()))
			.toList());
	}

	private CompletableFuture<Map<String, Map<String, AttributeValue>>> read(List<Map<String, AttributeValue>> keys,
			Map<String, Map<String, AttributeValue>> found, int round) {
		return this.dynamoDb
			.batchGetItem((request) -> request
				.requestItems(Map.of(this.tableName, KeysAndAttributes.builder().keys(keys).build())))
			.thenCompose((response) -> {
				response.responses()
					.getOrDefault(this.tableName, List.of())
					.forEach((item) -> found.put(item.get(JobTable.KEY).s(), item));
				KeysAndAttributes left = response.unprocessedKeys().get(this.tableName);
				if (left == null || left.keys().isEmpty()) {
					return CompletableFuture.completedFuture(found);
				}
				if (round >= MAX_READ_ROUNDS) {
					return CompletableFuture.failedFuture(new IllegalStateException(
							"DynamoDB left " + left.keys().size() + " stats items unread after " + round + " rounds"));
				}
				return read(left.keys(), found, round + 1);
			});
	}

	private static MinuteStats stats(Instant minute, Map<String, AttributeValue> item) {
		Map<String, Long> ended = new HashMap<>();
		item.forEach((name, value) -> {
			if (name.startsWith(ENDED_PREFIX) && value.n() != null) {
				ended.put(name.substring(ENDED_PREFIX.length()), Long.parseLong(value.n()));
			}
		});
		List<Long> buckets = new ArrayList<>();
		for (int i = 0; i <= MinuteStats.BUCKET_BOUNDS.size(); i++) {
			buckets.add(number(item, BUCKET_PREFIX + i));
		}
		return new MinuteStats(minute, ended, number(item, LATENCY_COUNT), number(item, LATENCY_SUM), buckets);
	}

	private static long number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? Long.parseLong(value.n()) : 0;
	}

	private static AttributeValue s(String value) {
		return AttributeValue.fromS(value);
	}

	private static AttributeValue n(long value) {
		return AttributeValue.fromN(Long.toString(value));
	}

}
