package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalDependencyException;
import software.amazon.awssdk.services.sagemakerruntime.model.InternalFailureException;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;
import software.amazon.awssdk.services.sagemakerruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every error the emulator answers surfaces as the SDK's typed exception, from the sync
 * and the async client alike.
 */
class InvokeEndpointErrorsTest {

	private static final String ENDPOINT = "errors";

	private static SageMakerEmulator emulator;

	private static SageMakerRuntimeClient client;

	private static SageMakerRuntimeAsyncClient asyncClient;

	@BeforeAll
	static void start() {
		emulator = SageMakerEmulator.start(0);
		emulator.define(EndpointSpec.builder(ENDPOINT).latency(Duration.ZERO).build());
		client = SageMakerClients.runtime(emulator);
		asyncClient = SageMakerClients.runtimeAsync(emulator);
	}

	@AfterAll
	static void stop() {
		client.close();
		asyncClient.close();
		emulator.close();
	}

	static Stream<Arguments> errors() {
		return Stream.of(Arguments.of("ValidationError", ValidationErrorException.class, 400),
				Arguments.of("ModelError", ModelErrorException.class, 424),
				Arguments.of("ThrottlingException", SageMakerRuntimeException.class, 400),
				Arguments.of("ModelNotReadyException", ModelNotReadyException.class, 429),
				Arguments.of("ServiceUnavailable", ServiceUnavailableException.class, 503),
				Arguments.of("InternalFailure", InternalFailureException.class, 500),
				Arguments.of("InternalDependencyException", InternalDependencyException.class, 530));
	}

	@ParameterizedTest
	@MethodSource("errors")
	void invoke_shouldRaiseTheTypedException_fromTheSyncClient(String code, Class<? extends Throwable> type,
			int status) {
		assertThatThrownBy(() -> client.invokeEndpoint(failing(code))).isExactlyInstanceOf(type)
			.satisfies((failure) -> assertErrorDetails((SageMakerRuntimeException) failure, code, status));
	}

	@ParameterizedTest
	@MethodSource("errors")
	void invoke_shouldRaiseTheTypedException_fromTheAsyncClient(String code, Class<? extends Throwable> type,
			int status) {
		assertThatThrownBy(() -> asyncClient.invokeEndpoint(failing(code)).join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isExactlyInstanceOf(type)
			.satisfies((failure) -> assertErrorDetails((SageMakerRuntimeException) failure, code, status));
	}

	@Test
	void invoke_shouldRaiseThrottling_thatTheSdkRecognises() {
		assertThatThrownBy(() -> client.invokeEndpoint(failing("ThrottlingException"))).isInstanceOfSatisfying(
				SageMakerRuntimeException.class, (failure) -> assertThat(failure.isThrottlingException()).isTrue());
	}

	@Test
	void invoke_shouldRaiseValidationError_forAnUnknownEndpoint() {
		assertThatThrownBy(() -> client.invokeEndpoint((request) -> request.endpointName("nowhere")
			.contentType("application/json")
			.body(SdkBytes.fromUtf8String("{}")))).isExactlyInstanceOf(ValidationErrorException.class)
			.hasMessageContaining("Endpoint nowhere of account 123456789012 not found.");
	}

	@Test
	void invoke_shouldRaiseModelError_withTheOriginalStatusAndMessage() {
		InvokeEndpointRequest request = json(
				"{\"_emulator\": {\"error\": \"ModelError\", \"originalStatusCode\": 400, \"message\": \"bad input\"}}");
		assertThatThrownBy(() -> client.invokeEndpoint(request)).isInstanceOfSatisfying(ModelErrorException.class,
				(failure) -> {
					assertThat(failure.originalStatusCode()).isEqualTo(400);
					assertThat(failure.originalMessage()).isEqualTo("bad input");
					assertThat(failure.logStreamArn())
						.isEqualTo("arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/errors");
					assertThat(failure.awsErrorDetails().errorMessage())
						.startsWith("Received client error (400) from primary with message \"bad input\"");
				});
	}

	@Test
	void invoke_shouldRaiseValidationError_forAMalformedTrigger() {
		assertThatThrownBy(() -> client.invokeEndpoint(json("{\"_emulator\": {\"error\": \"NoSuchError\"}}")))
			.isExactlyInstanceOf(ValidationErrorException.class)
			.hasMessageContaining("NoSuchError");
	}

	private static void assertErrorDetails(SageMakerRuntimeException failure, String code, int status) {
		assertThat(failure.awsErrorDetails().errorCode()).isEqualTo(code);
		assertThat(failure.statusCode()).isEqualTo(status);
		assertThat(failure.requestId()).isNotBlank();
	}

	private static InvokeEndpointRequest failing(String code) {
		return json("{\"_emulator\": {\"error\": \"" + code + "\"}}");
	}

	static InvokeEndpointRequest json(String body) {
		return InvokeEndpointRequest.builder()
			.endpointName(ENDPOINT)
			.contentType("application/json")
			.body(SdkBytes.fromUtf8String(body))
			.build();
	}

}
