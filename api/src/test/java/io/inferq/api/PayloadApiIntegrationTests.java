package io.inferq.api;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;

import io.inferq.infra.JobResources;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's ways in for real payloads, against the stand-ins (S3 included): a raw body
 * with its options in the query, stored byte for byte with a large one kept in S3; and
 * {@code inputLocation}, looked at before the job is accepted, for single jobs and batch
 * items alike.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
class PayloadApiIntegrationTests {

	private static final String CLIENTS = "s3://" + PayloadBucket.DEFAULT_NAME + "/api-it-clients/";

	@Autowired
	private JobStore jobs;

	@Autowired
	private PayloadStore payloads;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void aws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-payloads");
		registry.add("inferq.aws.payloads.input-locations", () -> CLIENTS);
	}

	@BeforeAll
	static void clientObjects() {
		try (S3AsyncClient s3 = JobResources.s3(LocalAws.shared()).build()) {
			s3.putObject((request) -> request.bucket(PayloadBucket.DEFAULT_NAME).key("api-it-clients/cat.jpg"),
					AsyncRequestBody.fromBytes(new byte[12_345]))
				.join();
		}
	}

	@Test
	void aRawBody_shouldBeTheInputByteForByteWithItsOptionsFromTheQuery() {
		byte[] image = new byte[300_000];
		new Random(3).nextBytes(image);
		ApiClient api = new ApiClient(this.port);

		HttpResponse<byte[]> accepted = api.send(HttpRequest
			.newBuilder(api.url("/v1/jobs?accept=application/json&timeToStart=PT1H&metadata.customer=acme"))
			.header("Content-Type", "image/jpeg")
			.POST(BodyPublishers.ofByteArray(image)));

		assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);
		Job job = stored(ApiClient.json(accepted));
		assertThat(job.accept()).isEqualTo("application/json");
		assertThat(job.metadata()).containsEntry("customer", "acme");
		assertThat(job.deadline()).isEqualTo(job.createdAt().plusSeconds(3600));
		assertThat(job.input().isStored()).isTrue();
		assertThat(this.payloads.get(job.input(), image.length).join()).isEqualTo(new Payload(image, "image/jpeg"));
	}

	@Test
	void aRawBody_shouldBeRefusedWithoutAContentTypeOrWithAnUnknownOption() {
		ApiClient api = new ApiClient(this.port);

		HttpResponse<byte[]> unknown = api.post("/v1/jobs?colour=red", "text/plain", "hello");
		HttpResponse<byte[]> wildcard = api.post("/v1/jobs", "image/*", "hello");

		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(ApiClient.json(unknown).get("detail").asString()).contains("Unknown query parameter 'colour'");
		assertThat(wildcard.statusCode()).isEqualTo(400);
	}

	@Test
	void anInputLocation_shouldBeLookedAtBeforeTheJobIsAccepted() {
		ApiClient api = new ApiClient(this.port);

		HttpResponse<byte[]> accepted = api
			.submit("{\"inputLocation\": \"" + CLIENTS + "cat.jpg\", \"contentType\": \"image/jpeg\"}");
		HttpResponse<byte[]> missing = api
			.submit("{\"inputLocation\": \"" + CLIENTS + "dog.jpg\", \"contentType\": \"image/jpeg\"}");
		HttpResponse<byte[]> elsewhere = api.submit("{\"inputLocation\": \"s3://" + PayloadBucket.DEFAULT_NAME
				+ "/payloads/someone-elses\", \"contentType\": \"image/jpeg\"}");

		assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);
		Job job = stored(ApiClient.json(accepted));
		assertThat(job.input().ref().uri()).isEqualTo(CLIENTS + "cat.jpg");
		assertThat(job.input().ref().size()).isEqualTo(12_345);
		assertThat(job.input().ref().owned()).isFalse();
		for (HttpResponse<byte[]> refused : List.of(missing, elsewhere)) {
			assertThat(refused.statusCode()).isEqualTo(400);
			assertThat(ApiClient.json(refused).get("pointer").asString()).isEqualTo("/inputLocation");
		}
		assertThat(ApiClient.json(missing).get("detail").asString()).contains("No object at " + CLIENTS + "dog.jpg");
	}

	@Test
	void aBatchItemsInputLocation_shouldBeLookedAtAndNamedByItsLine() {
		ApiClient api = new ApiClient(this.port);
		String good = "{\"customId\": \"a\", \"inputLocation\": \"" + CLIENTS
				+ "cat.jpg\", \"contentType\": \"image/jpeg\"}";
		String bad = "{\"customId\": \"b\", \"inputLocation\": \"" + CLIENTS
				+ "dog.jpg\", \"contentType\": \"image/jpeg\"}";

		HttpResponse<byte[]> accepted = api.post("/v1/batches", "application/x-ndjson", good);
		HttpResponse<byte[]> refused = api.post("/v1/batches", "application/x-ndjson", good + "\n" + bad);

		assertThat(accepted.statusCode()).as(new String(accepted.body())).isEqualTo(202);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(ApiClient.json(refused).get("line").asInt()).isEqualTo(2);
	}

	private Job stored(JsonNode job) {
		return this.jobs.find(new JobId(job.get("id").asString())).join().orElseThrow();
	}

}
