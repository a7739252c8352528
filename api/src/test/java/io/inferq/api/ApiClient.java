package io.inferq.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API over real HTTP, as clients call it.
 */
final class ApiClient {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI baseUrl;

	ApiClient(int port) {
		this.baseUrl = URI.create("http://127.0.0.1:" + port);
	}

	HttpResponse<byte[]> submit(String json) {
		return send(HttpRequest.newBuilder(url("/v1/jobs"))
			.header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json)));
	}

	HttpResponse<byte[]> post(String path, String contentType, String body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url(path))
			.header("Content-Type", contentType)
			.POST(BodyPublishers.ofString(body));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	HttpResponse<byte[]> get(String path) {
		return send(HttpRequest.newBuilder(url(path)).GET());
	}

	HttpResponse<byte[]> delete(String path) {
		return send(HttpRequest.newBuilder(url(path)).DELETE());
	}

	HttpResponse<byte[]> send(HttpRequest.Builder request) {
		try {
			return this.http.send(request.timeout(Duration.ofSeconds(120)).build(), BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	URI url(String path) {
		return this.baseUrl.resolve(path);
	}

	static JsonNode json(HttpResponse<byte[]> response) {
		return mapper.readTree(response.body());
	}

	static JsonNode json(String text) {
		return mapper.readTree(text);
	}

}
