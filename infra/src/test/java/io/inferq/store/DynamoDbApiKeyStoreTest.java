package io.inferq.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.inferq.infra.local.LocalAws;
import io.inferq.store.dynamodb.DynamoDbApiKeyStore;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's {@link DynamoDbApiKeyStore} against DynamoDB Local.
 */
class DynamoDbApiKeyStoreTest {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private static DynamoDbAsyncClient dynamoDb;

	private static ApiKeyStore store;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		store = new DynamoDbApiKeyStore(dynamoDb, JobTable.DEFAULT_NAME);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void create_shouldStoreTheHashOnly_andFindTheKeyByIt() {
		ApiKeySecret secret = ApiKeySecret.generate();
		ApiKey key = ApiKey.of(secret, aTenant(), "ci", NOW, new TenantQuota(2.5, 5, 100L));

		store.create(key).join();

		assertThat(store.findByHash(secret.hash()).join()).contains(key);
		assertThat(storedText()).doesNotContain(secret.value().substring(ApiKeySecret.PREFIX.length()));
	}

	@Test
	void findByHash_shouldBeEmpty_forAnUnknownKey() {
		assertThat(store.findByHash(ApiKeySecret.generate().hash()).join()).isEmpty();
	}

	@Test
	void revoke_shouldMarkTheKeyRevoked_byItsId() {
		ApiKeySecret secret = ApiKeySecret.generate();
		ApiKey key = store.create(ApiKey.of(secret, aTenant(), null, NOW, null)).join();

		assertThat(store.revoke(key.id(), NOW.plusSeconds(1)).join())
			.hasValueSatisfying((revoked) -> assertThat(revoked.revokedAt()).isEqualTo(NOW.plusSeconds(1)));
		assertThat(store.revoke(key.id(), NOW.plusSeconds(9)).join().orElseThrow().revokedAt())
			.isEqualTo(NOW.plusSeconds(1));
		assertThat(store.findByHash(secret.hash()).join().orElseThrow().isRevoked()).isTrue();
		assertThat(store.revoke("0123456789abcdef", NOW).join()).isEmpty();
	}

	@Test
	void list_shouldListOneTenantsKeysOrAll() {
		TenantId acme = aTenant();
		TenantId globex = aTenant();
		ApiKey first = store.create(ApiKey.of(ApiKeySecret.generate(), acme, "a", NOW, null)).join();
		ApiKey second = store.create(ApiKey.of(ApiKeySecret.generate(), acme, "b", NOW, null)).join();
		ApiKey other = store.create(ApiKey.of(ApiKeySecret.generate(), globex, null, NOW, null)).join();

		assertThat(store.list(acme).join()).containsExactlyInAnyOrder(first, second);
		assertThat(store.list(null).join()).contains(first, second, other);
	}

	private static String storedText() {
		return dynamoDb.scan((request) -> request.tableName(JobTable.DEFAULT_NAME))
			.join()
			.items()
			.stream()
			.flatMap((item) -> item.values().stream())
			.map(AttributeValue::toString)
			.reduce("", String::concat);
	}

	private static TenantId aTenant() {
		return new TenantId("k-" + UUID.randomUUID());
	}

}
