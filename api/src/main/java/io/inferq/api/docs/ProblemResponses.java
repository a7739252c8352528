package io.inferq.api.docs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.http.HttpStatus;

/**
 * Documents every error answer (4xx, 5xx) as what the API sends: an RFC 9457 problem,
 * {@code application/problem+json} with the {@code ProblemDetail} schema and an example
 * built from the status and the response's description, instead of the success schema in
 * {@code application/json} that springdoc infers from the handler. Every operation also
 * documents the {@code 401} that any request without a valid credential gets, and the
 * {@code 406} that an {@code Accept} header allowing none of its media types gets (but a
 * job's raw output, of any type, which ignores {@code Accept}).
 */
class ProblemResponses implements OpenApiCustomizer {

	static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

	static final String SCHEMA = "ProblemDetail";

	private static final String UNAUTHORIZED = "No credential, or an unknown, revoked, expired or invalid one; "
			+ "WWW-Authenticate: Bearer says which";

	private static final String NOT_ACCEPTABLE = "The Accept header allows none of the media types this operation "
			+ "answers with";

	@Override
	public void customise(OpenAPI openApi) {
		openApi.getComponents().addSchemas(SCHEMA, schema());
		if (openApi.getPaths() == null) {
			return;
		}
		openApi.getPaths().forEach((path, item) -> operations(item).forEach((operation) -> {
			ApiResponses responses = operation.getResponses();
			if (!responses.containsKey("401")) {
				responses.addApiResponse("401", new ApiResponse().description(UNAUTHORIZED));
			}
			if (!responses.containsKey("406") && !answersAnyType(responses)) {
				responses.addApiResponse("406", new ApiResponse().description(NOT_ACCEPTABLE));
			}
			responses.forEach((code, response) -> {
				int status = status(code);
				if (status >= 400) {
					response.setContent(new Content().addMediaType(PROBLEM_JSON,
							new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + SCHEMA))
								.addExamples(HttpStatus.valueOf(status).getReasonPhrase(),
										example(status, response.getDescription(), path))));
				}
			});
		}));
	}

	/**
	 * Whether a successful answer may be of any type (a job's raw output): no 406 then.
	 */
	private static boolean answersAnyType(ApiResponses responses) {
		return responses.entrySet()
			.stream()
			.anyMatch((response) -> response.getKey().startsWith("2") && response.getValue().getContent() != null
					&& response.getValue().getContent().containsKey(org.springframework.http.MediaType.ALL_VALUE));
	}

	private static List<Operation> operations(PathItem item) {
		return item.readOperations();
	}

	private static int status(String code) {
		try {
			return Integer.parseInt(code);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static Example example(int status, String description, String path) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", HttpStatus.valueOf(status).getReasonPhrase());
		problem.put("status", status);
		problem.put("detail", (description != null) ? description : HttpStatus.valueOf(status).getReasonPhrase());
		problem.put("instance", path);
		return new Example().value(problem);
	}

	private static Schema<?> schema() {
		return new ObjectSchema().description("An RFC 9457 problem: what went wrong and what to fix")
			.addProperty("type",
					new StringSchema().format("uri").description("The kind of problem").example("about:blank"))
			.addProperty("title", new StringSchema().description("A short summary of the kind of problem"))
			.addProperty("status", new IntegerSchema().description("The HTTP status"))
			.addProperty("detail", new StringSchema().description("What happened here, and what to fix"))
			.addProperty("instance", new StringSchema().format("uri-reference").description("The request's path"))
			.additionalProperties(true)
			.required(List.of("title", "status"));
	}

}
