package io.inferq.benchmarks;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * S3 cut for 5 s while jobs with inputs kept in S3 run and while clients submit more: a
 * submit that needs S3 answers 503 with {@code Retry-After}, one that does not goes on;
 * the worker loses nothing (a job whose input or output could not be moved runs again),
 * and submits succeed again once S3 is back. Both apps reach S3 through a
 * {@link TcpProxy}.
 */
class PayloadStoreOutageTest {

	private static final Duration OUTAGE = Duration.ofSeconds(5);

	private static final int JOBS = 40;

	private final LocalAws aws = LocalAws.shared();

	private final HttpClient http = HttpClient.newHttpClient();

	private LocalSystem system;

	private TcpProxy proxy;

	@AfterEach
	void stop() throws Exception {
		if (this.system != null) {
			this.system.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void anOutageOfS3_shouldRefuseSubmitsThatNeedItAndLoseNothing() throws Exception {
		String endpoint = Workloads.define(this.aws,
				EndpointSpec.builder("s3-outage-" + System.nanoTime())
					.instances(2)
					.latency(Duration.ofMillis(200))
					.echo(true));
		this.proxy = TcpProxy.start(this.aws.s3Endpoint());
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		properties.put("spring.cloud.aws.s3.endpoint", this.proxy.endpoint().toString());
		Map<String, String> worker = Workloads.shortLease();
		worker.put("inferq.worker.initial-backoff", "1s");
		worker.put("inferq.worker.max-backoff", "2s");
		this.system = LocalSystem.start(properties, endpoint, 2, worker);
		List<String> ids = new ArrayList<>();
		for (int n = 0; n < JOBS; n++) {
			ids.add(submit(input(n)).get("id").asString());
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.aws.sageMaker().stats(endpoint).succeeded() >= 6);

		this.proxy.cut();
		HttpResponse<String> refused = post(input(JOBS));
		HttpResponse<String> small = post("{\"input\":{\"small\":true}}");
		Thread.sleep(OUTAGE.toMillis());
		this.proxy.restore();

		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
		assertThat(refused.body()).contains("The payload store is unavailable");
		assertThat(small.statusCode()).as("an input kept inline needs no S3").isEqualTo(202);
		ids.add(submit(input(JOBS + 1)).get("id").asString());
		List<JsonNode> finished = EndToEndTest.awaitTerminal(this.system.client(), ids, Duration.ofSeconds(90));
		assertThat(finished).hasSize(ids.size()).allSatisfy((job) -> {
			assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
		});
		for (int n = 0; n < ids.size(); n += 7) {
			HttpResponse<String> result = this.http
				.send(HttpRequest.newBuilder(this.system.apiUrl().resolve("/v1/jobs/" + ids.get(n) + "/result"))
					.header("Authorization", "Bearer " + this.system.apiKey())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(result.body()).isEqualTo(inputText(n < JOBS ? n : JOBS + 1));
		}
	}

	private static String input(int n) {
		return "{\"input\":" + inputText(n) + "}";
	}

	/** A JSON input of 20 KB, above the inline threshold, its own for each n. */
	private static String inputText(int n) {
		char[] filler = new char[20 * 1024];
		Arrays.fill(filler, (char) ('a' + n % 26));
		return "{\"n\":" + n + ",\"text\":\"" + new String(filler) + "\"}";
	}

	private JsonNode submit(String body) {
		HttpResponse<String> answer = post(body);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
		return JobsClient.mapper().readTree(answer.body());
	}

	private HttpResponse<String> post(String body) {
		try {
			return this.http.send(HttpRequest.newBuilder(this.system.apiUrl().resolve("/v1/jobs"))
				.header("Authorization", "Bearer " + this.system.apiKey())
				.header("Content-Type", "application/json")
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
