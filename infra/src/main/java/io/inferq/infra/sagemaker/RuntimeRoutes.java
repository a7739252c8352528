package io.inferq.infra.sagemaker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * SageMaker Runtime's {@code InvokeEndpoint}: {@code POST /endpoints/{name}/invocations},
 * answered like SageMaker does, errors included, so that the AWS SDKs and CLI raise the
 * same typed exceptions. Signatures are not checked.
 */
final class RuntimeRoutes {

	/** The path of InvokeEndpoint. */
	static final String INVOCATIONS_PATH = "/endpoints/{name}/invocations";

	static final String CUSTOM_ATTRIBUTES = "X-Amzn-SageMaker-Custom-Attributes";

	static final String INVOKED_VARIANT = "x-Amzn-Invoked-Production-Variant";

	static final String ERROR_TYPE = "x-amzn-ErrorType";

	static final String REQUEST_ID = "x-amzn-RequestId";

	private final EndpointRegistry endpoints;

	private final JsonMapper json;

	RuntimeRoutes(EndpointRegistry endpoints, JsonMapper json) {
		this.endpoints = endpoints;
		this.json = json;
	}

	Publisher<Void> invoke(HttpServerRequest request, HttpServerResponse response) {
		String name = request.param("name");
		response.header(REQUEST_ID, UUID.randomUUID().toString());
		return HttpExchange.body(request)
			.flatMap((body) -> this.endpoints.find(name)
				.map((endpoint) -> endpoint.serve(invocation(request, body),
						(answer) -> send(response, endpoint, request, answer),
						(failure) -> sendError(response, name, failure)))
				.orElseGet(() -> Mono.error(new InvocationException(SageMakerError.VALIDATION_ERROR,
						"Endpoint " + name + " of account " + SageMakerEmulator.ACCOUNT_ID + " not found."))))
			.onErrorResume(InvocationException.class, (failure) -> sendError(response, name, failure));
	}

	private Invocation invocation(HttpServerRequest request, byte[] body) {
		return new Invocation(body, request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE),
				request.requestHeaders().get(HttpHeaderNames.ACCEPT), request.requestHeaders().get(CUSTOM_ATTRIBUTES),
				Trigger.find(body, this.json));
	}

	private static Mono<Void> send(HttpServerResponse response, Endpoint endpoint, HttpServerRequest request,
			ModelResponse answer) {
		String customAttributes = request.requestHeaders().get(CUSTOM_ATTRIBUTES);
		if (customAttributes != null) {
			response.header(CUSTOM_ATTRIBUTES, customAttributes);
		}
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.body().length))
			.header(INVOKED_VARIANT, endpoint.spec().variantName())
			.sendByteArray(Mono.just(answer.body()))
			.then();
	}

	private Mono<Void> sendError(HttpServerResponse response, String endpointName, InvocationException failure) {
		SageMakerError error = failure.error();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("__type", error.code());
		if (error == SageMakerError.MODEL_ERROR) {
			int status = failure.originalStatusCode();
			String logGroup = "/aws/sagemaker/Endpoints/" + endpointName;
			body.put("message",
					"Received " + ((status >= 400 && status < 500) ? "client" : "server") + " error (" + status
							+ ") from " + InvocationException.CONTAINER_NAME + " with message \"" + failure.getMessage()
							+ "\". See https://" + SageMakerEmulator.REGION
							+ ".console.aws.amazon.com/cloudwatch/home?region=" + SageMakerEmulator.REGION
							+ "#logEventViewer:group=" + logGroup + " in account " + SageMakerEmulator.ACCOUNT_ID
							+ " for more information.");
			body.put("OriginalStatusCode", status);
			body.put("OriginalMessage", failure.getMessage());
			body.put("LogStreamArn", "arn:aws:logs:" + SageMakerEmulator.REGION + ":" + SageMakerEmulator.ACCOUNT_ID
					+ ":log-group:" + logGroup);
		}
		else {
			body.put("message", failure.getMessage());
		}
		return HttpExchange.sendJson(response, HttpResponseStatus.valueOf(error.httpStatus()), MediaTypes.JSON,
				Map.of(ERROR_TYPE, error.code()), body, this.json);
	}

}
