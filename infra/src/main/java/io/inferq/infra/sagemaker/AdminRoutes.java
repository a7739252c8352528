package io.inferq.infra.sagemaker;

import java.util.Map;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The emulator's own API, under {@value #PREFIX}, for tests, benchmarks and scripts:
 * <ul>
 * <li>{@code GET /_emulator/endpoints}: every endpoint's definition;</li>
 * <li>{@code PUT /_emulator/endpoints/{name}}: defines or replaces an endpoint from an
 * {@link EndpointDefinition};</li>
 * <li>{@code DELETE /_emulator/endpoints/{name}}: removes it;</li>
 * <li>{@code GET /_emulator/endpoints/{name}/stats}: its {@link EndpointStats};</li>
 * <li>{@code POST /_emulator/endpoints/{name}/stats/reset}: starts its stats afresh.</li>
 * </ul>
 * Unknown endpoints answer 404, invalid definitions 400, both with {@code {"message"}}.
 */
final class AdminRoutes {

	static final String PREFIX = "/_emulator";

	private final EndpointRegistry endpoints;

	private final JsonMapper json;

	AdminRoutes(EndpointRegistry endpoints, JsonMapper json) {
		this.endpoints = endpoints;
		this.json = json;
	}

	void register(HttpServerRoutes routes) {
		routes
			.get(PREFIX + "/endpoints", (request, response) -> ok(response,
					this.endpoints.all().stream().map((endpoint) -> EndpointDefinition.of(endpoint.spec())).toList()))
			.put(PREFIX + "/endpoints/{name}", this::define)
			.delete(PREFIX + "/endpoints/{name}", (request, response) -> withEndpoint(request, response, (endpoint) -> {
				this.endpoints.remove(endpoint.name());
				return response.status(HttpResponseStatus.NO_CONTENT).send();
			}))
			.get(PREFIX + "/endpoints/{name}/stats",
					(request, response) -> withEndpoint(request, response,
							(endpoint) -> ok(response, endpoint.stats())))
			.post(PREFIX + "/endpoints/{name}/stats/reset",
					(request, response) -> withEndpoint(request, response, (endpoint) -> {
						endpoint.resetStats();
						return response.status(HttpResponseStatus.NO_CONTENT).send();
					}));
	}

	private Publisher<Void> define(HttpServerRequest request, HttpServerResponse response) {
		String name = request.param("name");
		return HttpExchange.body(request).flatMap((body) -> {
			try {
				EndpointSpec spec = (body.length == 0) ? EndpointSpec.builder(name).build()
						: this.json.readValue(body, EndpointDefinition.class).toSpec(name);
				this.endpoints.define(spec);
				return ok(response, EndpointDefinition.of(spec));
			}
			catch (IllegalArgumentException | JacksonException ex) {
				return message(response, HttpResponseStatus.BAD_REQUEST, ex.getMessage());
			}
		});
	}

	private Publisher<Void> withEndpoint(HttpServerRequest request, HttpServerResponse response,
			Function<Endpoint, Publisher<Void>> action) {
		String name = request.param("name");
		return this.endpoints.find(name)
			.map(action)
			.orElseGet(() -> message(response, HttpResponseStatus.NOT_FOUND, "There is no endpoint " + name));
	}

	private Mono<Void> ok(HttpServerResponse response, Object body) {
		return HttpExchange.sendJson(response, HttpResponseStatus.OK, body, this.json);
	}

	private Mono<Void> message(HttpServerResponse response, HttpResponseStatus status, String message) {
		return HttpExchange.sendJson(response, status, Map.of("message", String.valueOf(message)), this.json);
	}

}
