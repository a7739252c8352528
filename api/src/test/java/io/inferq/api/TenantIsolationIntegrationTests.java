package io.inferq.api;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.inferq.job.JobId;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.JobStore;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import tools.jackson.databind.JsonNode;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two tenants' credentials against the API as it runs, anonymous access off (the
 * default): each tenant sees only its own jobs and batches, whatever it reads, lists,
 * cancels, exports or replays, and another tenant's are answered as if they did not
 * exist. Keys are checked through a cache of 1 s here, so that a revocation shows soon;
 * JWTs are signed with a test secret (HS256) instead of an issuer's keys.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.key-cache-ttl=1s" })
class TenantIsolationIntegrationTests {

	private static final String TABLE = "api-it-tenants";

	private static final byte[] JWT_SECRET = "a test secret of at least 256 bits, not for production!"
		.getBytes(StandardCharsets.UTF_8);

	private static SqsAsyncClient sqs;

	@Autowired
	private ApiKeyStore keys;

	@Autowired
	private JobStore jobs;

	@LocalServerPort
	private int port;

	private ApiClient api;

	private TenantId acme;

	private TenantId globex;

	private String acmeKey;

	private String globexKey;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeAll
	static void sqsClient() {
		sqs = LocalAwsResources.sqs();
	}

	@AfterAll
	static void closeSqsClient() {
		sqs.close();
	}

	@BeforeEach
	void twoTenantsWithAKeyEach() {
		this.api = new ApiClient(this.port);
		this.acme = new TenantId("acme-" + UUID.randomUUID());
		this.globex = new TenantId("globex-" + UUID.randomUUID());
		this.acmeKey = createKey(this.acme);
		this.globexKey = createKey(this.globex);
	}

	@Test
	void aRequestWithoutCredentials_is401Problem() {
		for (HttpResponse<byte[]> response : List.of(this.api.submit("{\"input\": 1}"), this.api.get("/v1/jobs"),
				this.api.get("/v1/batches"), this.api.get("/v1/jobs/" + JobId.random()),
				this.api.get("/v1/ops/overview"))) {
			assertUnauthorized(response, "Send an API key or a token as 'Authorization: Bearer ...'");
			assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
		}
	}

	@Test
	void healthAndApiDocs_areOpen_andTheDocsTellHowToAuthenticate() {
		assertThat(this.api.get("/actuator/health").statusCode()).isEqualTo(200);
		HttpResponse<byte[]> docs = this.api.get("/v3/api-docs");

		assertThat(docs.statusCode()).isEqualTo(200);
		JsonNode scheme = ApiClient.json(docs).get("components").get("securitySchemes").get("bearer");
		assertThat(scheme.get("type").asString()).isEqualTo("http");
		assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
	}

	@Test
	void dashboard_isOpen_underAPolicyOfItsOwnScriptsOnly_andTheOperatorsFiguresNeedAnyKey() {
		for (String path : List.of("/dashboard", "/dashboard/", "/dashboard/dashboard.js",
				"/dashboard/dashboard.css")) {
			HttpResponse<byte[]> page = this.api.get(path);
			assertThat(page.statusCode()).as(path).isEqualTo(200);
			assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
				.hasValueSatisfying((policy) -> assertThat(policy)
					.contains("script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
					.doesNotContain("unsafe-inline", "unsafe-eval", "sandbox", "*"));
			assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		}
		assertThat(new String(this.api.get("/dashboard").body())).contains("id=\"api-key\"")
			.doesNotContain("<script>", "style=");
		assertThat(this.api.get("/dashboard/nothing.js").statusCode()).isEqualTo(404);

		HttpResponse<byte[]> ops = get(this.acmeKey, "/v1/ops/overview");

		assertThat(ops.statusCode()).as(new String(ops.body())).isEqualTo(200);
		JsonNode overview = ApiClient.json(ops);
		assertThat(overview.get("queues")).hasSize(2);
		assertThat(overview.get("deadLetter").get("lane").asString()).isEqualTo("dead-letter");
		assertThat(new String(ops.body())).doesNotContain(this.acme.value());
	}

	@Test
	void anUnknownKeyOrAMalformedToken_is401Problem() {
		assertUnauthorized(get(ApiKeySecret.generate().value(), "/v1/jobs"), "The API key is not known");
		assertUnauthorized(get("not-a-key-nor-a-jwt", "/v1/jobs"), "");
		assertThat(get("not-a-key-nor-a-jwt", "/v1/jobs").headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("Bearer error=\"invalid_token\"");
	}

	@Test
	void aRevokedKey_is401_withinTheCacheTime() {
		assertThat(get(this.acmeKey, "/v1/jobs").statusCode()).isEqualTo(200);

		ApiKey key = this.keys.list(this.acme).join().get(0);
		Instant revoked = Instant.now();
		this.keys.revoke(key.id(), revoked).join();

		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertUnauthorized(get(this.acmeKey, "/v1/jobs"), "The API key was revoked"));
		assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofMillis(2500));
		assertThat(get(this.globexKey, "/v1/jobs").statusCode()).isEqualTo(200);
	}

	@Test
	void anotherTenantsJob_is404_forReadResultCancelAndListing() {
		String id = submittedJobId(this.acmeKey, "{\"input\": {\"secret\": \"acme's\"}}");

		for (String path : List.of("/v1/jobs/" + id, "/v1/jobs/" + id + "/result", "/v1/jobs/" + id + "?wait=20")) {
			assertNotFound(get(this.globexKey, path));
		}
		assertNotFound(this.api.send(authorized(this.globexKey, "/v1/jobs/" + id).DELETE()));
		assertThat(this.jobs.find(new JobId(id)).join().orElseThrow().status().name()).isEqualTo("QUEUED");
		assertThat(ids(ApiClient.json(get(this.globexKey, "/v1/jobs")).get("jobs"))).doesNotContain(id);

		assertThat(get(this.acmeKey, "/v1/jobs/" + id).statusCode()).isEqualTo(200);
		assertThat(ids(ApiClient.json(get(this.acmeKey, "/v1/jobs")).get("jobs"))).containsExactly(id);
		assertThat(this.api.send(authorized(this.acmeKey, "/v1/jobs/" + id).DELETE()).statusCode()).isEqualTo(200);
	}

	@Test
	void anotherTenantsBatch_andItsJobs_are404_forEveryPath() {
		HttpResponse<byte[]> posted = this.api
			.send(authorized(this.acmeKey, "/v1/batches").header("Content-Type", "application/x-ndjson")
				.POST(BodyPublishers
					.ofString("{\"customId\": \"a\", \"input\": 1}\n{\"customId\": \"b\", \"input\": 2}\n")));
		assertThat(posted.statusCode()).isEqualTo(202);
		String batchId = ApiClient.json(posted).get("id").asString();

		for (String path : List.of("/v1/batches/" + batchId, "/v1/batches/" + batchId + "?wait=20",
				"/v1/batches/" + batchId + "/events", "/v1/batches/" + batchId + "/jobs",
				"/v1/batches/" + batchId + "/results", "/v1/jobs/" + batchId + "-0",
				"/v1/jobs/" + batchId + "-1/result")) {
			assertNotFound(get(this.globexKey, path));
		}
		assertNotFound(this.api.send(authorized(this.globexKey, "/v1/batches/" + batchId).DELETE()));
		assertNotFound(this.api.send(authorized(this.globexKey, "/v1/jobs/" + batchId + "-0").DELETE()));
		assertThat(ids(ApiClient.json(get(this.globexKey, "/v1/batches")).get("batches"))).isEmpty();

		assertThat(get(this.acmeKey, "/v1/batches/" + batchId + "/results").statusCode()).isEqualTo(200);
		assertThat(get(this.acmeKey, "/v1/jobs/" + batchId + "-1").statusCode()).isEqualTo(200);
		assertThat(ids(ApiClient.json(get(this.acmeKey, "/v1/batches")).get("batches"))).containsExactly(batchId);
		assertThat(ids(ApiClient.json(get(this.acmeKey, "/v1/jobs")).get("jobs")))
			.containsExactlyInAnyOrder(batchId + "-0", batchId + "-1");
		assertThat(this.api.send(authorized(this.acmeKey, "/v1/batches/" + batchId).DELETE()).statusCode())
			.isEqualTo(202);
	}

	@Test
	void idempotencyKeys_arePerTenant() {
		String body = "{\"input\": {\"n\": 1}}";
		HttpResponse<byte[]> first = submit(this.acmeKey, body, "shared-key");
		HttpResponse<byte[]> replay = submit(this.acmeKey, body, "shared-key");
		HttpResponse<byte[]> otherTenantSameBody = submit(this.globexKey, body, "shared-key");
		HttpResponse<byte[]> otherTenantOtherBody = submit(this.globexKey, "{\"input\": 2}", "shared-key-2");
		HttpResponse<byte[]> acmeOtherBody = submit(this.acmeKey, "{\"input\": 2}", "shared-key-2");

		String acmeJob = ApiClient.json(first).get("id").asString();
		assertThat(ApiClient.json(replay).get("id").asString()).isEqualTo(acmeJob);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(otherTenantSameBody.statusCode()).isEqualTo(202);
		assertThat(ApiClient.json(otherTenantSameBody).get("id").asString()).isNotEqualTo(acmeJob);
		assertThat(otherTenantSameBody.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(otherTenantOtherBody.statusCode()).isEqualTo(202);
		assertThat(acmeOtherBody.statusCode()).isEqualTo(202);
		assertThat(ApiClient.json(acmeOtherBody).get("id").asString())
			.isNotEqualTo(ApiClient.json(otherTenantOtherBody).get("id").asString());

		HttpResponse<byte[]> mismatch = submit(this.globexKey, "{\"input\": 3}", "shared-key");
		assertThat(mismatch.statusCode()).isEqualTo(422);
		assertThat(ApiClient.json(mismatch).get("resourceId").asString())
			.isEqualTo(ApiClient.json(otherTenantSameBody).get("id").asString());
	}

	@Test
	void listings_areNewestFirst_paginated_filteredByStatus_andTheirTokensBoundToTheTenant() {
		List<String> submitted = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			submitted.add(submittedJobId(this.acmeKey, "{\"input\": " + i + "}"));
		}
		this.api.send(authorized(this.acmeKey, "/v1/jobs/" + submitted.get(1)).DELETE());

		List<String> listed = new ArrayList<>();
		String token = null;
		do {
			JsonNode page = ApiClient
				.json(get(this.acmeKey, "/v1/jobs?limit=2" + ((token != null) ? "&pageToken=" + token : "")));
			listed.addAll(ids(page.get("jobs")));
			token = page.has("nextPageToken") ? page.get("nextPageToken").asString() : null;
			if (token != null) {
				HttpResponse<byte[]> stolen = get(this.globexKey, "/v1/jobs?limit=2&pageToken=" + token);
				assertThat(stolen.statusCode()).isEqualTo(400);
				assertThat(stolen.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			}
		}
		while (token != null);

		assertThat(listed).containsExactly(submitted.get(4), submitted.get(3), submitted.get(2), submitted.get(1),
				submitted.get(0));
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(
					() -> assertThat(ids(ApiClient.json(get(this.acmeKey, "/v1/jobs?status=cancelled")).get("jobs")))
						.containsExactly(submitted.get(1)));
		assertThat(ids(ApiClient.json(get(this.acmeKey, "/v1/jobs?status=QUEUED")).get("jobs"))).hasSize(4)
			.doesNotContain(submitted.get(1));
		assertThat(get(this.acmeKey, "/v1/jobs?status=DONE").statusCode()).isEqualTo(400);
		assertThat(get(this.acmeKey, "/v1/jobs?limit=0").statusCode()).isEqualTo(400);
	}

	@Test
	void everyQueueMessage_carriesItsTenant_asItsMessageGroup() {
		String id = submittedJobId(this.acmeKey, "{\"input\": 1}");

		String queueUrl = sqs.getQueueUrl((request) -> request.queueName(TABLE)).join().queueUrl();
		List<Message> messages = sqs
			.receiveMessage((request) -> request.queueUrl(queueUrl)
				.maxNumberOfMessages(10)
				.waitTimeSeconds(1)
				.messageSystemAttributeNames(MessageSystemAttributeName.ALL))
			.join()
			.messages();
		Message message = messages.stream()
			.filter((received) -> JobMessageCodec.decode(received.body()).jobId().value().equals(id))
			.findFirst()
			.orElseThrow();
		assertThat(JobMessageCodec.decode(message.body()).tenant()).isEqualTo(this.acme);
		assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo(this.acme.value());
	}

	@Test
	void aJwt_isItsTenantClaimsCaller() throws JOSEException {
		String acmeToken = jwt(Map.of("tenant", this.acme.value()));
		String id = submittedJobId(acmeToken, "{\"input\": 1}");

		assertThat(get(this.acmeKey, "/v1/jobs/" + id).statusCode()).isEqualTo(200);
		assertNotFound(get(this.globexKey, "/v1/jobs/" + id));
		assertUnauthorized(get(jwt(Map.of("sub", "no-tenant")), "/v1/jobs"), "does not name a tenant");
		assertUnauthorized(get(jwt(Map.of("tenant", "a#b")), "/v1/jobs"), "does not name a tenant");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TestIssuer {

		@Bean
		JwtDecoder jwtDecoder() {
			return NimbusJwtDecoder.withSecretKey(new SecretKeySpec(JWT_SECRET, "HmacSHA256")).build();
		}

	}

	private static String jwt(Map<String, Object> claims) throws JOSEException {
		JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().subject("client-1")
			.expirationTime(Date.from(Instant.now().plusSeconds(300)));
		claims.forEach(set::claim);
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), set.build());
		jwt.sign(new MACSigner(JWT_SECRET));
		return jwt.serialize();
	}

	private String createKey(TenantId tenant) {
		ApiKeySecret secret = ApiKeySecret.generate();
		this.keys.create(ApiKey.of(secret, tenant, "test", Instant.now(), null)).join();
		return secret.value();
	}

	private String submittedJobId(String credential, String body) {
		HttpResponse<byte[]> response = submit(credential, body, null);
		assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(202);
		return ApiClient.json(response).get("id").asString();
	}

	private HttpResponse<byte[]> submit(String credential, String body, String idempotencyKey) {
		HttpRequest.Builder request = authorized(credential, "/v1/jobs").header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body));
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		return this.api.send(request);
	}

	private HttpResponse<byte[]> get(String credential, String path) {
		return this.api.send(authorized(credential, path).GET());
	}

	private HttpRequest.Builder authorized(String credential, String path) {
		return HttpRequest.newBuilder(this.api.url(path)).header("Authorization", "Bearer " + credential);
	}

	private static List<String> ids(JsonNode items) {
		List<String> ids = new ArrayList<>();
		items.forEach((item) -> ids.add(item.get("id").asString()));
		return ids;
	}

	private static void assertNotFound(HttpResponse<byte[]> response) {
		assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(404);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	private static void assertUnauthorized(HttpResponse<byte[]> response, String detail) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		JsonNode problem = ApiClient.json(response);
		assertThat(problem.get("status").asInt()).isEqualTo(401);
		assertThat(problem.get("detail").asString()).contains(detail);
	}

}
