package io.inferq.api.security;

import io.inferq.api.config.ApiProperties;
import io.inferq.config.InferqAwsProperties;
import io.inferq.store.dynamodb.DynamoDbApiKeyStore;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Spring Security for the API: an OAuth2 resource server whose bearer tokens are API keys
 * ({@link ApiKeyAuthenticationProvider}) or, when an issuer is configured, JWTs (Spring
 * Boot's {@link JwtDecoder}, its claims made a {@link Caller} by
 * {@link JwtCallerConverter}). Stateless: no session, no CSRF (no cookies are read).
 * <p>
 * Health probes, the API docs and the dashboard's static page are open; everything else
 * needs a credential, unless {@link SecurityProperties#anonymous()} is enabled, when a
 * request without one is the default tenant's. A request with a bad credential is refused
 * either way. How refusals are written (problem details) is the web edge's: its
 * {@link AuthenticationEntryPoint} and {@link AccessDeniedHandler} beans.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SecurityConfiguration.class);

	@Bean
	ApiKeyStore apiKeyStore(DynamoDbAsyncClient dynamoDb, InferqAwsProperties properties) {
		return new DynamoDbApiKeyStore(dynamoDb, properties.tableName());
	}

	@Bean
	ApiKeyAuthenticationProvider apiKeyAuthenticationProvider(ApiKeyStore keys, SecurityProperties security,
			ApiProperties api, ObjectProvider<JwtDecoder> jwtDecoder) {
		return new ApiKeyAuthenticationProvider(keys, security, api.awsCallTimeout(),
				jwtDecoder.getIfAvailable() != null);
	}

	/**
	 * No observation around each filter of the security chain: with an observation
	 * registry (the actuator's), Spring Security wraps every filter in one, and those
	 * observations and their timers took about a tenth of the request threads' samples in
	 * a profile of the api benchmark (JFR, 2026-11-30). The request's own observation
	 * ({@code http.server.requests}) stays.
	 */
	@Bean
	SecurityObservationSettings securityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityFilterChain apiSecurity(HttpSecurity http, ApiKeyAuthenticationProvider keys,
			ObjectProvider<JwtDecoder> jwtDecoder, SecurityProperties security, AuthenticationEntryPoint problems,
			AccessDeniedHandler denied) throws Exception {
		JwtDecoder decoder = jwtDecoder.getIfAvailable();
		AuthenticationManager manager = keys::authenticate;
		if (decoder != null) {
			JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(decoder);
			jwt.setJwtAuthenticationConverter(new JwtCallerConverter(security));
			// A token is either a key or a JWT, told apart by the keys' prefix, so
			// that a refusal says why this one was refused.
			manager = (token) -> ApiKeySecret.looksLikeKey(((BearerTokenAuthenticationToken) token).getToken())
					? keys.authenticate(token) : jwt.authenticate(token);
		}
		AuthenticationManager byKind = manager;
		logger.info("Callers authenticate with API keys{}{}", (decoder != null) ? " and JWTs" : "",
				security.anonymous() ? "; requests without credentials are served as the default tenant's" : "");
		http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(AbstractHttpConfigurer::disable)
			.formLogin(AbstractHttpConfigurer::disable)
			.logout(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.authorizeHttpRequests((requests) -> {
				requests.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
					.permitAll()
					.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info", "/v3/api-docs",
							"/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error", "/dashboard",
							"/dashboard/**")
					.permitAll();
				if (security.anonymous()) {
					requests.anyRequest().permitAll();
				}
				else {
					requests.anyRequest().authenticated();
				}
			})
			.oauth2ResourceServer((server) -> server.authenticationManagerResolver((request) -> byKind)
				.authenticationEntryPoint(problems)
				.accessDeniedHandler(denied)
				.withObjectPostProcessor(new ObjectPostProcessor<BearerTokenAuthenticationFilter>() {
					@Override
					public <O extends BearerTokenAuthenticationFilter> O postProcess(O filter) {
						// Every failure to the entry point, a key store that failed too
						// (503), rather than rethrown as a 500.
						filter.setAuthenticationFailureHandler(problems::commence);
						return filter;
					}
				}))
			.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(denied));
		if (security.anonymous()) {
			http.anonymous((anonymous) -> anonymous.principal(Caller.anonymous()));
		}
		else {
			http.anonymous(AbstractHttpConfigurer::disable);
		}
		return http.build();
	}

}
