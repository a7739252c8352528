package io.inferq.api;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.store.BatchStore;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-tenant quotas through the API as it runs: 429 with Retry-After, a problem and
 * RateLimit headers at the limit, admitted again after it, and one tenant's limit never
 * holding up another's. The limits are each key's own; queued jobs are counted anew every
 * 200 ms here.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.quotas.queued-count-ttl=200ms" })
class QuotaIntegrationTests {

	private static final String TABLE = "api-it-quotas";

	@Autowired
	private ApiKeyStore keys;

	@Autowired
	private BatchStore batches;

	@LocalServerPort
	private int port;

	private ApiClient api;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeEach
	void client() {
		this.api = new ApiClient(this.port);
	}

	@Test
	void submitsPastTheRate_are429WithRetryAfter_andAdmittedAgainAfterIt() {
		// One submit per 4 s, two at once: no token comes back while the test submits.
		String slow = createKey(new TenantQuota(0.25, 2, null));
		String other = createKey(new TenantQuota(0.25, 2, null));

		HttpResponse<byte[]> first = submit(slow, "{\"input\": 1}");
		HttpResponse<byte[]> second = submit(slow, "{\"input\": 2}");
		HttpResponse<byte[]> refused = submit(slow, "{\"input\": 3}");
		Instant refusedAt = Instant.now();

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(first.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"submits\";q=2;w=8",
				"\"queued\";q=100000");
		assertThat(first.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"submits\";r=1;t=");
		assertThat(second.statusCode()).isEqualTo(202);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(1L, 4L);
		assertThat(refused.headers().firstValue("RateLimit").orElseThrow())
			.startsWith("\"submits\";r=0;t=" + retryAfter);
		JsonNode problem = ApiClient.json(refused);
		assertThat(problem.get("status").asInt()).isEqualTo(429);
		assertThat(problem.get("title").asString()).isEqualTo("Too many submits");
		assertThat(problem.get("limit").asString()).isEqualTo("submits");
		HttpResponse<byte[]> otherTenant = submit(other, "{\"input\": 1}");
		assertThat(otherTenant.statusCode()).as(new String(otherTenant.body())).isEqualTo(202);

		// Retrying before Retry-After spends nothing: a refused submit takes no token.
		await().atMost(Duration.ofSeconds(retryAfter + 3))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> submit(slow, "{\"input\": 4}").statusCode() == 202);
		assertThat(Duration.between(refusedAt, Instant.now())).isLessThan(Duration.ofSeconds(retryAfter + 1));
	}

	@Test
	void submitsPastTheQueuedJobsLimit_are429_untilAJobLeavesTheQueue() {
		String small = createKey(new TenantQuota(100.0, 100, 3L));
		String first = ApiClient.json(submit(small, "{\"input\": 1}")).get("id").asString();
		assertThat(submit(small, "{\"input\": 2}").statusCode()).isEqualTo(202);
		assertThat(submit(small, "{\"input\": 3}").statusCode()).isEqualTo(202);

		HttpResponse<byte[]> refused = submit(small, "{\"input\": 4}");

		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
		assertThat(refused.headers().firstValue("RateLimit").orElseThrow()).contains("\"queued\";r=0");
		JsonNode problem = ApiClient.json(refused);
		assertThat(problem.get("title").asString()).isEqualTo("Too many queued jobs");
		assertThat(problem.get("limit").asString()).isEqualTo("queued");
		assertThat(submit(createKey(new TenantQuota(100.0, 100, 3L)), "{\"input\": 1}").statusCode())
			.as("another tenant")
			.isEqualTo(202);

		assertThat(this.api.send(authorized(small, "/v1/jobs/" + first).DELETE()).statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> submit(small, "{\"input\": 5}").statusCode() == 202);
	}

	@Test
	void aBatchThatDoesNotFitTheQueuedJobsLimit_is429_andNoneOfItsJobsRuns() {
		String small = createKey(new TenantQuota(100.0, 100, 5L));
		StringBuilder items = new StringBuilder();
		for (int i = 0; i < 8; i++) {
			items.append("{\"customId\": \"").append(i).append("\", \"input\": ").append(i).append("}\n");
		}

		HttpResponse<byte[]> refused = this.api
			.send(authorized(small, "/v1/batches").header("Content-Type", "application/x-ndjson")
				.POST(BodyPublishers.ofString(items.toString())));

		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(ApiClient.json(refused).get("limit").asString()).isEqualTo("queued");
		JsonNode listed = ApiClient.json(this.api.send(authorized(small, "/v1/batches").GET())).get("batches");
		assertThat(listed).hasSize(1);
		assertThat(this.batches.find(new BatchId(listed.get(0).get("id").asString())).join().orElseThrow().status())
			.isEqualTo(BatchStatus.FAILED);
		assertThat(listed.get(0).get("failure").get("type").asString()).isEqualTo("QuotaExceeded");
	}

	private String createKey(TenantQuota quota) {
		ApiKeySecret secret = ApiKeySecret.generate();
		this.keys.create(ApiKey.of(secret, new TenantId("q-" + UUID.randomUUID()), null, Instant.now(), quota)).join();
		return secret.value();
	}

	private HttpResponse<byte[]> submit(String key, String body) {
		return this.api.send(authorized(key, "/v1/jobs").header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body)));
	}

	private HttpRequest.Builder authorized(String key, String path) {
		return HttpRequest.newBuilder(this.api.url(path)).header("Authorization", "Bearer " + key);
	}

}
