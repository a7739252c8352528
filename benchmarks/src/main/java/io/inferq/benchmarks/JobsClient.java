package io.inferq.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small client of the job API over HTTP, as a user's program would call it: with an API
 * key ({@code Authorization: Bearer ...}) if it has one.
 */
public final class JobsClient {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI baseUrl;

	private final String apiKey;

	/** A client without credentials (of the worker's health and metrics, say). */
	public JobsClient(URI baseUrl) {
		this(baseUrl, null);
	}

	/** A client that sends {@code apiKey} with every request. */
	public JobsClient(URI baseUrl, String apiKey) {
		this.baseUrl = baseUrl;
		this.apiKey = apiKey;
	}

	/** Submits a job; the future completes with the API's answer, whatever its status. */
	public CompletableFuture<Response> submitAsync(String json) {
		HttpRequest request = HttpRequest.newBuilder(this.baseUrl.resolve("/v1/jobs"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		return send(request);
	}

	/** Submits a job and returns its ID. */
	public String submit(String json) {
		Response response = submitAsync(json).join();
		if (response.status() != 202) {
			throw new IllegalStateException("Submit answered " + response.status() + ": " + response.body());
		}
		return response.json().get("id").asString();
	}

	/** The job as the API shows it. */
	public CompletableFuture<Response> getAsync(String id) {
		return send(HttpRequest.newBuilder(this.baseUrl.resolve("/v1/jobs/" + id)).GET().build());
	}

	public JsonNode get(String id) {
		return getAsync(id).join().json();
	}

	/** Cancels a job. */
	public Response cancel(String id) {
		return send(HttpRequest.newBuilder(this.baseUrl.resolve("/v1/jobs/" + id)).DELETE().build()).join();
	}

	/** Enqueues a batch given as NDJSON, one item per line. */
	public Response submitBatch(String ndjson) {
		return exchange(HttpRequest.newBuilder()
			.header("Content-Type", "application/x-ndjson")
			.POST(HttpRequest.BodyPublishers.ofString(ndjson)), "/v1/batches");
	}

	/** The batch as the API shows it: its status and counts. */
	public JsonNode getBatch(String id) {
		return exchange(HttpRequest.newBuilder().GET(), "/v1/batches/" + id).json();
	}

	/** Any request against the API, for tests of its edges. */
	public Response exchange(HttpRequest.Builder request, String path) {
		return send(request.uri(this.baseUrl.resolve(path)).build()).join();
	}

	private CompletableFuture<Response> send(HttpRequest request) {
		HttpRequest authorized = (this.apiKey != null) ? HttpRequest.newBuilder(request, (name, value) -> true)
			.header("Authorization", "Bearer " + this.apiKey)
			.build() : request;
		return this.http.sendAsync(authorized, HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> new Response(response.statusCode(), response.body(),
					response.headers().firstValue("Content-Type").orElse(""),
					response.headers().firstValue("Retry-After").orElse(null)));
	}

	/**
	 * An answer of the API.
	 *
	 * @param status the HTTP status
	 * @param body the body as text
	 * @param contentType the body's media type
	 * @param retryAfter the Retry-After header, if any
	 */
	public record Response(int status, String body, String contentType, String retryAfter) {

		public JsonNode json() {
			try {
				return mapper.readTree(this.body);
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("Not JSON (" + this.status + "): " + this.body, ex);
			}
		}

	}

	static JsonMapper mapper() {
		return mapper;
	}

}
