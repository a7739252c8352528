package io.inferq.api.docs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.MediaType;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Adds the raw input to {@code POST /v1/jobs}: a body of any type but a form is the
 * model's input, byte for byte. Springdoc merges the JSON and the raw handler of that
 * path into one operation and keeps only the JSON handler's request body, so the document
 * would say the endpoint takes JSON alone.
 */
class RawSubmitBody implements OpenApiCustomizer {

	static final String PATH = "/v1/jobs";

	static final String ANY = org.springframework.http.MediaType.ALL_VALUE;

	@Override
	public void customise(OpenAPI openApi) {
		PathItem item = (openApi.getPaths() != null) ? openApi.getPaths().get(PATH) : null;
		Operation submit = (item != null) ? item.getPost() : null;
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

}
