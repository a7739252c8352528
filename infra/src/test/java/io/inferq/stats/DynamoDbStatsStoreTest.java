package io.inferq.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.inferq.infra.local.LocalAws;
import io.inferq.stats.dynamodb.DynamoDbStatsStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DynamoDbStatsStore} against DynamoDB Local: workers' counts add up per minute,
 * and an hour reads back in order with empty minutes where nothing was added.
 */
class DynamoDbStatsStoreTest {

	private static final Instant MINUTE = MinuteStats.minuteOf(Instant.now());

	private static DynamoDbAsyncClient dynamoDb;

	private static StatsStore store;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		store = new DynamoDbStatsStore(dynamoDb, JobTable.DEFAULT_NAME);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void add_shouldSumWhatWorkersAdd() {
		String endpoint = "stats-" + UUID.randomUUID() + "#all";

		store.add(endpoint, counts(MINUTE, 3, 0, 1200)).join();
		store.add(endpoint, counts(MINUTE, 2, 1, 800)).join();
		store.add(endpoint, counts(MINUTE.minusSeconds(120), 7, 0, 700)).join();

		List<MinuteStats> hour = store.minutes(endpoint, MINUTE.minus(Duration.ofMinutes(59)), MINUTE.plusSeconds(60))
			.join();
		assertThat(hour).hasSize(60);
		assertThat(hour.get(59).ended()).isEqualTo(Map.of("succeeded", 5L, "failed", 1L));
		assertThat(hour.get(59).latencyCount()).isEqualTo(6);
		assertThat(hour.get(59).latencySumMillis()).isEqualTo(2000);
		assertThat(hour.get(59).latencyPercentile(0.5)).isBetween(Duration.ZERO, Duration.ofMillis(100));
		assertThat(hour.get(57).ended("succeeded")).isEqualTo(7);
		assertThat(hour.get(58)).isEqualTo(MinuteStats.empty(MINUTE.minusSeconds(60)));
	}

	@Test
	void register_shouldListTheEndpoint() {
		String endpoint = "stats-" + UUID.randomUUID() + "#all";

		store.register(endpoint).join();
		store.register(endpoint).join();

		assertThat(store.endpoints().join()).contains(endpoint);
	}

	private static MinuteStats counts(Instant minute, long succeeded, long failed, long latencySum) {
		List<Long> buckets = new java.util.ArrayList<>(Collections.nCopies(MinuteStats.BUCKET_BOUNDS.size() + 1, 0L));
		buckets.set(0, succeeded + failed);
		return new MinuteStats(minute, Map.of("succeeded", succeeded, "failed", failed), succeeded + failed, latencySum,
				buckets);
	}

}
