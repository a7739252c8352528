package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.EndpointSummary;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SageMaker control plane, through the SDK's {@code SageMakerClient}.
 */
class ControlPlaneTest {

	private static SageMakerEmulator emulator;

	private static SageMakerClient sageMaker;

	private static SageMakerRuntimeAsyncClient runtime;

	@BeforeAll
	static void start() {
		emulator = SageMakerEmulator.start(0);
		sageMaker = SageMakerClients.controlPlane(emulator);
		runtime = SageMakerClients.runtimeAsync(emulator);
	}

	@AfterAll
	static void stop() {
		sageMaker.close();
		runtime.close();
		emulator.close();
	}

	@Test
	void describeEndpoint_shouldDescribeTheVariantAndItsInstances() {
		Instant before = Instant.now().minusSeconds(1);
		emulator.define(EndpointSpec.builder("described").instances(3).build());

		DescribeEndpointResponse endpoint = sageMaker.describeEndpoint((request) -> request.endpointName("described"));

		assertThat(endpoint.endpointName()).isEqualTo("described");
		assertThat(endpoint.endpointArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/described");
		assertThat(endpoint.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
		assertThat(endpoint.creationTime()).isAfter(before).isBeforeOrEqualTo(Instant.now());
		assertThat(endpoint.lastModifiedTime()).isEqualTo(endpoint.creationTime());
		assertThat(endpoint.productionVariants()).singleElement().satisfies((variant) -> {
			assertThat(variant.variantName()).isEqualTo("AllTraffic");
			assertThat(variant.currentInstanceCount()).isEqualTo(3);
			assertThat(variant.desiredInstanceCount()).isEqualTo(3);
			assertThat(variant.currentWeight()).isEqualTo(1.0f);
		});
	}

	@Test
	void listEndpoints_shouldListEndpointsByName() {
		emulator.define(EndpointSpec.builder("listed-a").build());
		emulator.define(EndpointSpec.builder("listed-b").build());

		List<EndpointSummary> endpoints = sageMaker.listEndpoints((request) -> request.nameContains("listed"))
			.endpoints();

		assertThat(endpoints).extracting(EndpointSummary::endpointName).containsExactly("listed-a", "listed-b");
		assertThat(endpoints).extracting(EndpointSummary::endpointStatus).containsOnly(EndpointStatus.IN_SERVICE);
	}

	@Test
	void unknownEndpoint_shouldBeAValidationException() {
		assertThatThrownBy(() -> sageMaker.describeEndpoint((request) -> request.endpointName("nowhere")))
			.isInstanceOfSatisfying(SageMakerException.class, (failure) -> {
				assertThat(failure.statusCode()).isEqualTo(400);
				assertThat(failure.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
				assertThat(failure.awsErrorDetails().errorMessage()).isEqualTo(
						"Could not find endpoint \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/nowhere\".");
			});
	}

	@Test
	void updateEndpointWeightsAndCapacities_shouldScaleLive_waitingInvocationsIncluded() {
		emulator.define(EndpointSpec.builder("scaled").latency(Duration.ofMillis(600)).build());
		long started = System.nanoTime();
		List<CompletableFuture<InvokeEndpointResponse>> invocations = List.of(invoke("scaled"), invoke("scaled"),
				invoke("scaled"), invoke("scaled"));
		await().until(() -> emulator.stats("scaled").waiting() == 3);

		String arn = sageMaker
			.updateEndpointWeightsAndCapacities((request) -> request.endpointName("scaled")
				.desiredWeightsAndCapacities((variant) -> variant.variantName("AllTraffic").desiredInstanceCount(4)))
			.endpointArn();
		invocations.forEach(CompletableFuture::join);

		assertThat(arn).endsWith(":endpoint/scaled");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1500));
		assertThat(emulator.stats("scaled").maxInFlight()).isEqualTo(4);
		DescribeEndpointResponse endpoint = sageMaker.describeEndpoint((request) -> request.endpointName("scaled"));
		assertThat(endpoint.productionVariants()).extracting(ProductionVariantSummary::currentInstanceCount)
			.containsExactly(4);
		assertThat(endpoint.lastModifiedTime()).isAfter(endpoint.creationTime());
	}

	@Test
	void updateEndpointWeightsAndCapacities_shouldRejectAnUnknownVariant() {
		emulator.define(EndpointSpec.builder("one-variant").build());

		assertThatThrownBy(
				() -> sageMaker.updateEndpointWeightsAndCapacities((request) -> request.endpointName("one-variant")
					.desiredWeightsAndCapacities((variant) -> variant.variantName("Blue").desiredInstanceCount(2))))
			.isInstanceOfSatisfying(SageMakerException.class,
					(failure) -> assertThat(failure.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
	}

	private static CompletableFuture<InvokeEndpointResponse> invoke(String endpoint) {
		return runtime.invokeEndpoint((request) -> request.endpointName(endpoint)
			.contentType("application/json")
			.body(SdkBytes.fromUtf8String("{}")));
	}

}
