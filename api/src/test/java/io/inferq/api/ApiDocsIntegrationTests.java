package io.inferq.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document as the running API serves it, open to anyone: a real title,
 * version and description, every error an RFC 9457 problem, and an example of every
 * request and answer. In the context {@link JobApiIntegrationTests} starts too: well
 * under a second when that ran first, about 10 s alone (springdoc builds the document on
 * the first request).
 */
class ApiDocsIntegrationTests extends AnonymousApiContext {

	private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

	private static JsonNode docs;

	@Autowired
	private BuildProperties build;

	@LocalServerPort
	private int port;

	@BeforeAll
	static void reset() {
		docs = null;
	}

	@Test
	void info_hasTheTitleTheBuildsVersionAndADescription() {
		JsonNode info = docs().get("info");

		assertThat(info.get("title").asString()).isEqualTo("inferq API");
		assertThat(info.get("version").asString()).isEqualTo(this.build.getVersion()).isNotBlank();
		assertThat(info.get("description").asString()).contains("application/problem+json", "Bearer");
	}

	@Test
	void everyErrorAnswer_isAProblemDetail() {
		JsonNode problem = docs().get("components").get("schemas").get("ProblemDetail");
		assertThat(problem.get("properties").propertyNames()).contains("type", "title", "status", "detail", "instance");
		List<String> checked = new ArrayList<>();
		operations().forEach((name, operation) -> operation.get("responses").properties().forEach((response) -> {
			if (Integer.parseInt(response.getKey()) < 400) {
				return;
			}
			String where = name + " " + response.getKey();
			JsonNode content = response.getValue().get("content");
			assertThat(content.propertyNames()).as(where).containsExactly("application/problem+json");
			JsonNode media = content.get("application/problem+json");
			assertThat(media.get("schema").get("$ref").asString()).as(where)
				.isEqualTo("#/components/schemas/ProblemDetail");
			assertThat(exampleOf(media)).as(where).isNotNull();
			assertThat(exampleOf(media).get("status").asInt()).as(where).isEqualTo(Integer.parseInt(response.getKey()));
			checked.add(where);
		}));
		assertThat(checked).contains("POST /v1/jobs 400", "GET /v1/jobs/{id} 404", "GET /v1/batches/{id} 401");
	}

	@Test
	void errorsTheApiAnswers_areDocumented() {
		// Each checked against the running API (bin/run-local): a submit over the quota,
		// a wrong Content-Type or Accept.
		Map<String, JsonNode> operations = operations();
		assertThat(operations.get("POST /v1/jobs").get("responses").propertyNames()).as("POST /v1/jobs")
			.contains("422", "429");
		JsonNode submit = operations.get("POST /v1/jobs");
		assertThat(submit.get("summary").asString()).isEqualTo("Submit a job");
		assertThat(submit.get("description").asString()).as("the JSON and the raw submit")
			.contains("Unknown fields are refused", "byte for byte", "callbackUrl");
		assertThat(submit.get("parameters").findValuesAsString("name")).as("the raw submit's options")
			.contains("raw", "accept", "timeToStart", "callbackUrl");
		assertThat(operations.get("POST /v1/batches").get("responses").propertyNames()).as("POST /v1/batches")
			.contains("429");
		assertThat(operations.get("PUT /v1/webhook").get("responses").propertyNames()).as("PUT /v1/webhook")
			.contains("415");
		operations.forEach((name, operation) -> {
			boolean anyType = operation.get("responses")
				.properties()
				.stream()
				.anyMatch((response) -> response.getKey().startsWith("2")
						&& response.getValue().path("content").has("*/*"));
			if (anyType) {
				assertThat(operation.get("responses").has("406")).as(name + " ignores Accept").isFalse();
			}
			else {
				assertThat(operation.get("responses").has("406")).as(name + " 406").isTrue();
			}
		});
	}

	@Test
	void everyRequestAndAnswer_hasAnExample() {
		Map<String, JsonNode> operations = operations();
		assertThat(operations).containsKeys("POST /v1/jobs", "GET /v1/jobs/{id}", "GET /v1/jobs/{id}/result",
				"DELETE /v1/jobs/{id}", "GET /v1/jobs", "POST /v1/batches", "GET /v1/batches/{id}",
				"GET /v1/batches/{id}/jobs", "GET /v1/batches/{id}/results", "DELETE /v1/batches/{id}",
				"GET /v1/batches");
		operations.forEach((name, operation) -> {
			JsonNode body = operation.path("requestBody").path("content");
			body.properties()
				.forEach((media) -> assertThat(exampleOf(media.getValue())).as(name + " request " + media.getKey())
					.isNotNull());
			boolean answered = false;
			for (Map.Entry<String, JsonNode> response : operation.get("responses").properties()) {
				for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
					String where = name + " " + response.getKey() + " " + media.getKey();
					JsonNode example = exampleOf(media.getValue());
					assertThat(example).as(where).isNotNull();
					if (!media.getKey().equals("*/*")) {
						// Not a stand-in such as "(Your settings)": a body as the API
						// sends it.
						assertThat(example.isString() && example.asString().startsWith("(")).as(where + ": " + example)
							.isFalse();
					}
					answered |= response.getKey().startsWith("2");
				}
			}
			assertThat(answered).as(name + " has an example of a successful answer").isTrue();
		});
		assertThat(operations.get("POST /v1/jobs").get("requestBody").get("content").propertyNames())
			.as("a JSON job request and a raw input")
			.contains("application/json", "*/*");
		assertThat(
				exampleOf(operations.get("PUT /v1/webhook").get("requestBody").get("content").get("application/json"))
					.has("endpoint"))
			.as("PUT /v1/webhook's body")
			.isTrue();
		assertThat(exampleOf(operations.get("GET /v1/batches/{id}/events")
			.get("responses")
			.get("200")
			.get("content")
			.get("text/event-stream")).asString()).startsWith("event:progress\ndata:{\"batchId\":")
			.contains("event:end");
		JsonNode job = exampleOf(
				operations.get("GET /v1/jobs/{id}").get("responses").get("200").get("content").get("application/json"));
		assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.get("output").get("message").asString()).isEqualTo("finish");
	}

	/** Every operation, as "METHOD path". */
	private Map<String, JsonNode> operations() {
		Map<String, JsonNode> operations = new java.util.LinkedHashMap<>();
		docs().get("paths")
			.properties()
			.forEach((path) -> path.getValue()
				.properties()
				.stream()
				.filter((method) -> METHODS.contains(method.getKey()))
				.forEach((method) -> operations
					.put(method.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey(), method.getValue())));
		return operations;
	}

	/** The media type's example, or its first named example's value; null if none. */
	private static JsonNode exampleOf(JsonNode media) {
		if (media.has("example")) {
			return media.get("example");
		}
		JsonNode examples = media.path("examples");
		return examples.isEmpty() ? null : examples.properties().iterator().next().getValue().get("value");
	}

	private JsonNode docs() {
		if (docs == null) {
			HttpResponse<byte[]> response = new ApiClient(this.port).get("/v3/api-docs");
			assertThat(response.statusCode()).isEqualTo(200);
			docs = ApiClient.json(response);
			try {
				// To read, or to check a client generator against.
				Files.write(Path.of("target", "openapi.json"), response.body());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return docs;
	}

}
