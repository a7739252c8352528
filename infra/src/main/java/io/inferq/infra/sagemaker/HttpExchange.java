package io.inferq.infra.sagemaker;

import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading request bodies and writing JSON answers, for every route of the emulator.
 */
final class HttpExchange {

	private static final byte[] EMPTY = new byte[0];

	private HttpExchange() {
	}

	/** The whole request body, empty if there is none. */
	static Mono<byte[]> body(HttpServerRequest request) {
		return request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY);
	}

	/** Answers {@code body} as JSON of the given media type, with extra headers. */
	static Mono<Void> sendJson(HttpServerResponse response, HttpResponseStatus status, String contentType,
			Map<String, String> headers, Object body, JsonMapper json) {
		byte[] bytes = json.writeValueAsBytes(body);
		headers.forEach(response::header);
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, contentType)
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

	/** Answers {@code body} as {@code application/json}. */
	static Mono<Void> sendJson(HttpServerResponse response, HttpResponseStatus status, Object body, JsonMapper json) {
		return sendJson(response, status, MediaTypes.JSON, Map.of(), body, json);
	}

}
