package io.inferq.benchmarks;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch of 1,000 items of 300 KB each through the whole system: every input is kept in
 * S3, every job runs to SUCCEEDED on the echoing emulator, and the results export is
 * valid NDJSON, one line per job, although the outputs are pretty-printed JSON, JSON with
 * line separators (U+2028) in its strings, or binary. Outputs are embedded (up to 512 KB
 * here), so each line carries its output whole, on one line, meaning what the model
 * answered.
 */
class LargeBatchEndToEndTest {

	private static final int ITEMS = 1000;

	private static final int SIZE = 300 * 1024;

	private static final String PRETTY = Payloads.jsonDocument(SIZE);

	private static final String SEPARATORS = separators(SIZE);

	private static final byte[] BINARY = Payloads.random(SIZE, 5);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	@AfterEach
	void stop() {
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void aBatchOf300KilobyteInputs_shouldCompleteAndExportOneValidLinePerJob() throws Exception {
		String endpoint = Workloads.define(this.aws,
				EndpointSpec.builder("large-batch-" + System.nanoTime())
					.instances(8)
					.latency(Duration.ofMillis(5))
					.echo(true));
		Map<String, String> properties = new java.util.LinkedHashMap<>(this.aws.springProperties());
		properties.put("inferq.api.max-embedded-output", "512KB");
		this.system = LocalSystem.start(properties, endpoint, 8, Map.of());
		HttpClient http = HttpClient.newHttpClient();

		HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(this.system.apiUrl().resolve("/v1/batches"))
			.header("Authorization", "Bearer " + this.system.apiKey())
			.header("Content-Type", "application/x-ndjson")
			.timeout(Duration.ofMinutes(3))
			.POST(HttpRequest.BodyPublishers.ofInputStream(LargeBatchEndToEndTest::items))
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
		String id = JobsClient.mapper().readTree(accepted.body()).get("id").asString();
		JsonNode batch = await().atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> this.system.client().getBatch(id),
					(polled) -> !polled.get("status").asString().equals("IN_PROGRESS"));
		assertThat(batch.get("status").asString()).as(batch.toString()).isEqualTo("COMPLETED");
		assertThat(batch.get("counts").get("succeeded").asLong()).isEqualTo(ITEMS);

		HttpResponse<InputStream> export = http
			.send(HttpRequest.newBuilder(this.system.apiUrl().resolve("/v1/batches/" + id + "/results"))
				.header("Authorization", "Bearer " + this.system.apiKey())
				.GET()
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		Set<String> customIds = new HashSet<>();
		int lines = 0;
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(export.body(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				lines++;
				assertThat(line).doesNotContain("\u2028", "\u2029", "\r");
				assertOneObject(line);
				if (line.contains("\"price\"")) {
					assertThat(line).contains("\"price\":1.10,\"big\":12345678901234567890.123456789,\"tiny\":1e-400");
				}
				JsonNode result = JobsClient.mapper().readTree(line);
				String customId = result.get("customId").asString();
				customIds.add(customId);
				assertThat(result.get("status").asString()).isEqualTo("SUCCEEDED");
				assertOutput(Integer.parseInt(customId.substring("item-".length())), result);
			}
		}
		assertThat(lines).isEqualTo(ITEMS);
		assertThat(customIds).hasSize(ITEMS);
	}

	/** The output means what the model answered: the same JSON, or the same bytes. */
	private static void assertOutput(int n, JsonNode result) {
		switch (n % 3) {
			case 0 -> {
				assertThat(result.get("output")).isEqualTo(JobsClient.mapper().readTree(PRETTY));
				assertThat(result.get("output").toString()).doesNotContain("\n");
			}
			case 1 -> assertThat(result.get("output")).isEqualTo(JobsClient.mapper().readTree(SEPARATORS));
			default -> {
				assertThat(result.get("outputContentType").asString()).isEqualTo("application/octet-stream");
				assertThat(Base64.getDecoder().decode(result.get("outputBase64").asString())).isEqualTo(BINARY);
			}
		}
	}

	private static void assertOneObject(String line) {
		try (JsonParser parser = JobsClient.mapper().createParser(line)) {
			assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
			parser.skipChildren();
			assertThat(parser.nextToken()).as("nothing after the object").isNull();
		}
	}

	/** The NDJSON body, made line by line as it is sent. */
	private static InputStream items() {
		return new SequenceInputStream(new Enumeration<>() {

			private int n;

			@Override
			public boolean hasMoreElements() {
				return this.n < ITEMS;
			}

			@Override
			public InputStream nextElement() {
				int item = this.n++;
				String input = switch (item % 3) {
					// Pretty-printed JSON cannot be an NDJSON line's own JSON: sent as
					// bytes.
					case 0 -> "\"inputBase64\":\"" + Base64.getEncoder().encodeToString(Payloads.utf8(PRETTY))
							+ "\",\"contentType\":\"application/json\"";
					case 1 -> "\"input\":" + SEPARATORS;
					default -> "\"inputBase64\":\"" + Base64.getEncoder().encodeToString(BINARY)
							+ "\",\"contentType\":\"application/octet-stream\"";
				};
				String line = "{\"customId\":\"item-" + item + "\"," + input + "}\n";
				return new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8));
			}

		});
	}

	/** A JSON array of strings with line and paragraph separators in them. */
	private static String separators(int size) {
		StringBuilder json = new StringBuilder("[");
		while (json.length() < size) {
			json.append("\"one\u2028two\u2029three\\u2028four\",");
		}
		return json.append("\"end\"]").toString();
	}

}
