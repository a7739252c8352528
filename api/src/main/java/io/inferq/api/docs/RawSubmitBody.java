package io.inferq.api.docs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Adds the raw input to {@code POST /v1/jobs}: a body of any type but a form is the
 * model's input, byte for byte. Springdoc merges the JSON and the raw handler of that
 * path into one operation and keeps only the JSON handler's request body, so the document
 * would say the endpoint takes JSON alone; and it keeps one handler's summary and
 * description (the raw one's), so this gives the operation both, with the raw submit's
 * query parameters.
 */
class RawSubmitBody implements OpenApiCustomizer {

	static final String PATH = "/v1/jobs";

	static final String ANY = org.springframework.http.MediaType.ALL_VALUE;

	static final String SUMMARY = "Submit a job";

	static final String DESCRIPTION = """
			Stores the job and queues it. As application/json, a job request: 'input' (any JSON), or 'inputBase64' \
			with 'contentType', or 'inputLocation' (s3://...) with 'contentType'; optionally 'accept', 'metadata', \
			'timeToStart' (an ISO-8601 duration or a number of seconds; the job expires if no worker starts it \
			within that time) and 'callbackUrl'. Unknown fields are refused.

			With any other Content-Type (or '?raw' with application/json) the body is the model's input, byte for \
			byte: for example curl --data-binary @cat.jpg -H 'Content-Type: image/jpeg'. Its options are query \
			parameters: accept, timeToStart, callbackUrl, and metadata.KEY=VALUE for each metadata entry.""";

	@Override
	public void customise(OpenAPI openApi) {
		PathItem item = (openApi.getPaths() != null) ? openApi.getPaths().get(PATH) : null;
		Operation submit = (item != null) ? item.getPost() : null;
		if (submit != null) {
			submit.summary(SUMMARY).description(DESCRIPTION);
			rawOption(submit, "raw", "A raw-body submit whose Content-Type is application/json: "
					+ "the body is the input, byte for byte (no value needed)");
			rawOption(submit, "accept", "Raw-body submits: the media type the model should answer with");
			rawOption(submit, "timeToStart", "Raw-body submits: how long the job may wait for a worker (ISO-8601 "
					+ "or seconds), as the JSON field");
			rawOption(submit, "callbackUrl", "Raw-body submits: where the job's end is POSTed, as the JSON field");
		}
		if (submit == null || submit.getRequestBody() == null || submit.getRequestBody().getContent() == null
				|| submit.getRequestBody().getContent().containsKey(ANY)) {
			return;
		}
		submit.getRequestBody()
			.getContent()
			.addMediaType(ANY, new MediaType().schema(new BinarySchema().description("The input, byte for byte"))
				.addExamples("Raw input",
						new Example()
							.description("Any Content-Type but a form (here image/jpeg); options as query parameters")
							.value("(the bytes of cat.jpg)")));
	}

	private static void rawOption(Operation submit, String name, String description) {
		boolean present = submit.getParameters() != null
				&& submit.getParameters().stream().anyMatch((parameter) -> name.equals(parameter.getName()));
		if (!present) {
			submit.addParametersItem(new Parameter().in("query")
				.name(name)
				.required(false)
				.description(description)
				.schema(new StringSchema()));
		}
	}

}
