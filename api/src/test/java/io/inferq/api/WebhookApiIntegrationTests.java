package io.inferq.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.inferq.job.JobId;
import io.inferq.store.JobStore;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.WebhookSignature;
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

/**
 * Callbacks on submit and the tenant's webhook settings, against the API as it runs on
 * DynamoDB Local and ElasticMQ: a callback to a loopback, private or link-local address
 * is a 400 problem and stores nothing; each tenant sees only its own secret and endpoint,
 * which becomes its jobs' callback when they name none. The endpoint cache is off here.
 * Budget: 3 s after the context starts.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.webhooks.endpoint-cache=0s" })
class WebhookApiIntegrationTests {

	private static final String TABLE = "api-it-webhooks";

	@Autowired
	private ApiKeyStore keys;

	@Autowired
	private JobStore jobs;

	@LocalServerPort
	private int port;

	private ApiClient api;

	private String acmeKey;

	private String globexKey;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeEach
	void twoTenants() {
		this.api = new ApiClient(this.port);
		this.acmeKey = createKey(new TenantId("acme-" + UUID.randomUUID()));
		this.globexKey = createKey(new TenantId("globex-" + UUID.randomUUID()));
	}

	@Test
	void aCallbackToANonPublicAddress_is400_andStoresNothing() {
		for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://169.254.170.2/v2/credentials",
				"http://10.0.0.7/hook", "http://127.0.0.1:8080/", "http://[::1]/", "http://localhost/",
				"ftp://example.com/", "https://user:pw@example.com/", "https://example.com/" + "a".repeat(2048))) {
			HttpResponse<byte[]> response = submit(this.acmeKey, "{\"input\": 1, \"callbackUrl\": \"" + url + "\"}");
			assertThat(response.statusCode()).as(url).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(ApiClient.json(response).get("pointer").asString()).isEqualTo("/callbackUrl");
		}
		HttpResponse<byte[]> raw = this.api
			.send(authorized(this.acmeKey, "/v1/jobs?callbackUrl=http://169.254.169.254/")
				.header("Content-Type", "text/plain")
				.POST(BodyPublishers.ofString("hello")));
		assertThat(raw.statusCode()).isEqualTo(400);
		HttpResponse<byte[]> batch = this.api
			.send(authorized(this.acmeKey, "/v1/batches?callbackUrl=http://192.168.1.1/")
				.header("Content-Type", "application/json")
				.POST(BodyPublishers.ofString("{\"items\": [{\"customId\": \"a\", \"input\": 1}]}")));
		assertThat(batch.statusCode()).isEqualTo(400);
		assertThat(ApiClient.json(get(this.acmeKey, "/v1/jobs")).get("jobs")).isEmpty();
		assertThat(ApiClient.json(get(this.acmeKey, "/v1/batches")).get("batches")).isEmpty();
	}

	@Test
	void aPublicCallback_isKeptWithTheJob() {
		String id = jobId(submit(this.acmeKey, "{\"input\": 1, \"callbackUrl\": \"https://hooks.example.com/a?b=1\"}"));

		assertThat(this.jobs.find(new JobId(id)).join().orElseThrow().callback())
			.isEqualTo(URI.create("https://hooks.example.com/a?b=1"));
	}

	@Test
	void eachTenant_seesOnlyItsOwnSecretAndEndpoint_whichJobsWithoutCallbackUse() {
		JsonNode acme = ApiClient.json(get(this.acmeKey, "/v1/webhook"));
		JsonNode globex = ApiClient.json(get(this.globexKey, "/v1/webhook"));
		assertThat(acme.get("secret").asString()).startsWith(WebhookSignature.SECRET_PREFIX);
		assertThat(acme.get("secret").asString()).isNotEqualTo(globex.get("secret").asString());
		assertThat(ApiClient.json(get(this.acmeKey, "/v1/webhook")).get("secret").asString())
			.isEqualTo(acme.get("secret").asString());

		HttpResponse<byte[]> set = put(this.acmeKey, "{\"endpoint\": \"https://acme.example.com/hooks\"}");
		assertThat(set.statusCode()).as(new String(set.body())).isEqualTo(200);
		assertThat(set.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
		assertThat(ApiClient.json(get(this.globexKey, "/v1/webhook")).get("endpoint").isNull()).isTrue();

		String id = jobId(submit(this.acmeKey, "{\"input\": 1}"));
		assertThat(this.jobs.find(new JobId(id)).join().orElseThrow().callback())
			.isEqualTo(URI.create("https://acme.example.com/hooks"));
		String globexJob = jobId(submit(this.globexKey, "{\"input\": 1}"));
		assertThat(this.jobs.find(new JobId(globexJob)).join().orElseThrow().callback()).isNull();

		assertThat(put(this.acmeKey, "{\"endpoint\": \"http://169.254.169.254/\"}").statusCode()).isEqualTo(400);
		assertThat(put(this.acmeKey, "{\"endpoint\": 1}").statusCode()).isEqualTo(400);
		assertThat(put(this.acmeKey, "{\"endpoint\": \"" + "a".repeat(5000) + "\"}").statusCode()).isEqualTo(413);
		assertThat(put(this.acmeKey, "{\"endpoint\": null}").statusCode()).isEqualTo(200);
		assertThat(ApiClient.json(get(this.acmeKey, "/v1/webhook")).get("endpoint").isNull()).isTrue();
		assertThat(get(null, "/v1/webhook").statusCode()).isEqualTo(401);
	}

	private String createKey(TenantId tenant) {
		ApiKeySecret secret = ApiKeySecret.generate();
		this.keys.create(ApiKey.of(secret, tenant, "test", Instant.now(), null)).join();
		return secret.value();
	}

	private static String jobId(HttpResponse<byte[]> response) {
		assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(202);
		return ApiClient.json(response).get("id").asString();
	}

	private HttpResponse<byte[]> submit(String credential, String body) {
		return this.api.send(authorized(credential, "/v1/jobs").header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body)));
	}

	private HttpResponse<byte[]> put(String credential, String body) {
		return this.api.send(authorized(credential, "/v1/webhook").header("Content-Type", "application/json")
			.PUT(BodyPublishers.ofString(body)));
	}

	private HttpResponse<byte[]> get(String credential, String path) {
		return this.api.send(authorized(credential, path).GET());
	}

	private HttpRequest.Builder authorized(String credential, String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.api.url(path));
		return (credential != null) ? request.header("Authorization", "Bearer " + credential) : request;
	}

}
