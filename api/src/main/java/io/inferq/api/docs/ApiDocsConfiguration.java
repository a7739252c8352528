package io.inferq.api.docs;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}):
 * its title, the version of the build that serves it, a description, every error as an
 * RFC 9457 problem ({@link ProblemResponses}) and an example of every request and answer
 * ({@link ApiExamples}).
 */
@Configuration(proxyBeanMethods = false)
class ApiDocsConfiguration {

	static final String TITLE = "inferq API";

	static final String DESCRIPTION = """
			Asynchronous inference jobs in front of a SageMaker real-time endpoint. Submit a job (or a batch of \
			up to a million) and get its ID at once; poll the job (or the batch's counts) until it has ended, then \
			read its output or the batch's results export.

			Every request but the API docs needs `Authorization: Bearer <API key or JWT>`; each tenant sees only \
			its own jobs and batches, and another tenant's are answered like unknown ones, with 404.

			Every error is an RFC 9457 problem (`application/problem+json`): `type`, `title`, `status`, `detail` \
			(what to fix) and `instance`, with members of its own where a problem has them (`limit` on a 429, \
			`line` on a bad batch item). A `429` or `503` comes with `Retry-After` in seconds.""";

	@Bean
	OpenApiCustomizer apiInfo(ObjectProvider<BuildProperties> build) {
		String version = version(build.getIfAvailable());
		return (openApi) -> openApi.info(info(openApi).title(TITLE).version(version).description(DESCRIPTION));
	}

	@Bean
	OpenApiCustomizer problemResponses() {
		return new ProblemResponses();
	}

	@Bean
	OpenApiCustomizer rawSubmitBody() {
		return new RawSubmitBody();
	}

	@Bean
	OpenApiCustomizer apiExamples(JsonMapper mapper) {
		return new ApiExamples(mapper);
	}

	/**
	 * The build's version (from {@code META-INF/build-info.properties}, which the build
	 * writes), else the jar's, else "development".
	 */
	static String version(BuildProperties build) {
		if (build != null && build.getVersion() != null) {
			return build.getVersion();
		}
		String jar = ApiDocsConfiguration.class.getPackage().getImplementationVersion();
		return (jar != null) ? jar : "development";
	}

	private static Info info(OpenAPI openApi) {
		return (openApi.getInfo() != null) ? openApi.getInfo() : new Info();
	}

}
