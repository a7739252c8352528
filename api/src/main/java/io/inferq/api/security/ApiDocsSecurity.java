package io.inferq.api.security;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import org.springframework.context.annotation.Configuration;

/**
 * Tells the OpenAPI document (and Swagger UI's "Authorize") how callers authenticate:
 * every operation takes {@code Authorization: Bearer} with an API key or a JWT.
 */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(security = @SecurityRequirement(name = ApiDocsSecurity.SCHEME))
@SecurityScheme(name = ApiDocsSecurity.SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
		description = "An API key (iq_...) from 'bin/inferq keys create', or a JWT of the configured issuer")
class ApiDocsSecurity {

	static final String SCHEME = "bearer";

}
