package io.inferq.infra.sagemaker;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The part of SageMaker's control plane (AWS JSON 1.1: {@code POST /} with
 * {@code X-Amz-Target: SageMaker.<Operation>}) that concerns running endpoints:
 * DescribeEndpoint, ListEndpoints and UpdateEndpointWeightsAndCapacities, which changes
 * the instance count live, as autoscaling does. Every endpoint is {@code InService}.
 */
final class ControlPlaneRoutes {

	private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

	private static final String TARGET_PREFIX = "SageMaker.";

	private final EndpointRegistry endpoints;

	private final JsonMapper json;

	ControlPlaneRoutes(EndpointRegistry endpoints, JsonMapper json) {
		this.endpoints = endpoints;
		this.json = json;
	}

	Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String target = Optional.ofNullable(request.requestHeaders().get("X-Amz-Target")).orElse("");
		String operation = target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : target;
		return HttpExchange.body(request).map(this::parse).map((input) -> switch (operation) {
			case "DescribeEndpoint" -> describe(endpoint(input));
			case "ListEndpoints" -> list(input);
			case "UpdateEndpointWeightsAndCapacities" -> update(endpoint(input), input);
			default -> throw new ControlPlaneException("UnknownOperationException",
					"Operation " + target + " is not supported by the emulator");
		})
			.flatMap((output) -> HttpExchange.sendJson(response, HttpResponseStatus.OK, CONTENT_TYPE, Map.of(), output,
					this.json))
			.onErrorResume(ControlPlaneException.class,
					(failure) -> HttpExchange.sendJson(response, HttpResponseStatus.BAD_REQUEST, CONTENT_TYPE,
							Map.of(RuntimeRoutes.ERROR_TYPE, failure.code),
							Map.of("__type", failure.code, "message", failure.getMessage()), this.json));
	}

	private JsonNode parse(byte[] body) {
		try {
			return (body.length == 0) ? this.json.createObjectNode() : this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ControlPlaneException("SerializationException", "The request is not valid JSON");
		}
	}

	private Endpoint endpoint(JsonNode input) {
		String name = input.path("EndpointName").asString("");
		return this.endpoints.find(name)
			.orElseThrow(() -> validation("Could not find endpoint \"" + arn(name) + "\"."));
	}

	private Map<String, Object> describe(Endpoint endpoint) {
		Map<String, Object> variant = new LinkedHashMap<>();
		variant.put("VariantName", endpoint.spec().variantName());
		variant.put("CurrentWeight", endpoint.weight());
		variant.put("DesiredWeight", endpoint.weight());
		variant.put("CurrentInstanceCount", endpoint.instanceCount());
		variant.put("DesiredInstanceCount", endpoint.instanceCount());
		Map<String, Object> output = summary(endpoint);
		output.put("EndpointConfigName", endpoint.name());
		output.put("ProductionVariants", List.of(variant));
		return output;
	}

	private Map<String, Object> list(JsonNode input) {
		String nameContains = input.path("NameContains").asString("");
		return Map.of("Endpoints",
				this.endpoints.all()
					.stream()
					.filter((endpoint) -> endpoint.name().contains(nameContains))
					.map(this::summary)
					.toList());
	}

	private Map<String, Object> update(Endpoint endpoint, JsonNode input) {
		for (JsonNode desired : input.path("DesiredWeightsAndCapacities")) {
			String variantName = desired.path("VariantName").asString("");
			if (!variantName.equals(endpoint.spec().variantName())) {
				throw validation("The variant " + variantName + " does not exist in endpoint " + endpoint.name());
			}
			JsonNode instances = desired.path("DesiredInstanceCount");
			if (instances.isNumber() && instances.asInt() < 1) {
				throw validation("DesiredInstanceCount must be at least 1");
			}
			JsonNode weight = desired.path("DesiredWeight");
			endpoint.update(instances.isNumber() ? instances.asInt() : null,
					weight.isNumber() ? weight.asDouble() : null);
		}
		return Map.of("EndpointArn", arn(endpoint.name()));
	}

	private Map<String, Object> summary(Endpoint endpoint) {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("EndpointName", endpoint.name());
		summary.put("EndpointArn", arn(endpoint.name()));
		summary.put("EndpointStatus", "InService");
		summary.put("CreationTime", epochSeconds(endpoint.createdAt()));
		summary.put("LastModifiedTime", epochSeconds(endpoint.lastModifiedAt()));
		return summary;
	}

	private static String arn(String endpointName) {
		return "arn:aws:sagemaker:" + SageMakerEmulator.REGION + ":" + SageMakerEmulator.ACCOUNT_ID + ":endpoint/"
				+ endpointName.toLowerCase(Locale.ROOT);
	}

	/** AWS JSON 1.1 timestamps: epoch seconds, with milliseconds. */
	private static BigDecimal epochSeconds(Instant time) {
		return BigDecimal.valueOf(time.toEpochMilli(), 3);
	}

	private static ControlPlaneException validation(String message) {
		return new ControlPlaneException("ValidationException", message);
	}

	/** A client error of the control plane, answered with status 400. */
	private static final class ControlPlaneException extends RuntimeException {

		private final String code;

		ControlPlaneException(String code, String message) {
			super(message, null, false, false);
			this.code = code;
		}

	}

}
