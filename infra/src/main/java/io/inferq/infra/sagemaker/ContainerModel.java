package io.inferq.infra.sagemaker;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Real model containers following the SageMaker container contract: instance {@code i}
 * forwards to {@code POST {containers[i % n]}/invocations} with the request's body,
 * {@code Content-Type}, {@code Accept} and custom attributes. A 2xx answer is the
 * model's; any other status, or no answer, is a {@code ModelError} carrying the
 * container's status and body, as SageMaker reports it.
 */
final class ContainerModel implements Model {

	private static final byte[] EMPTY = new byte[0];

	private final HttpClient client;

	private final List<URI> containers;

	ContainerModel(HttpClient client, List<URI> containers) {
		this.client = client;
		this.containers = containers;
	}

	@Override
	public Mono<ModelResponse> invoke(Invocation invocation, int instance) {
		Mono<ModelResponse> call = this.client.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE,
					(invocation.contentType() != null) ? invocation.contentType() : MediaTypes.OCTET_STREAM);
			if (invocation.accept() != null) {
				headers.set(HttpHeaderNames.ACCEPT, invocation.accept());
			}
			if (invocation.customAttributes() != null) {
				headers.set(RuntimeRoutes.CUSTOM_ATTRIBUTES, invocation.customAttributes());
			}
		})
			.post()
			.uri(invocationsUri(instance))
			.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(invocation.body())))
			.responseSingle((response,
					content) -> content.asByteArray().defaultIfEmpty(EMPTY).map((body) -> answer(response, body)))
			.onErrorMap((failure) -> !(failure instanceof InvocationException),
					(failure) -> InvocationException.modelError(InvocationException.NO_RESPONSE,
							"Could not reach container " + InvocationException.CONTAINER_NAME + ": " + failure));
		return (invocation.latencyOverride() != null) ? Mono.delay(invocation.latencyOverride()).then(call) : call;
	}

	private String invocationsUri(int instance) {
		String container = this.containers.get(instance % this.containers.size()).toString();
		return (container.endsWith("/") ? container : container + "/") + "invocations";
	}

	private static ModelResponse answer(HttpClientResponse response, byte[] body) {
		int status = response.status().code();
		if (status < 200 || status > 299) {
			throw InvocationException.modelError(status, new String(body, StandardCharsets.UTF_8));
		}
		String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
		return new ModelResponse(body, (contentType != null) ? contentType : MediaTypes.OCTET_STREAM);
	}

}
