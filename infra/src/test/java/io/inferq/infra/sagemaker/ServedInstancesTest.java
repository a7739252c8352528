package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint that describes more instances than serve: DescribeEndpoint and the stats
 * report every instance, but invocations get only the serving instances' slots.
 */
class ServedInstancesTest {

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
		runtime.close();
		sageMaker.close();
		emulator.close();
	}

	@Test
	void invocationsBeyondTheServingInstances_shouldBeThrottled_thoughMoreAreDescribed() {
		emulator.define(EndpointSpec.builder("half-served")
			.instances(4)
			.servedInstances(2)
			.latency(Duration.ofMillis(500))
			.rejectWhenBusy(true)
			.build());
		List<CompletableFuture<InvokeEndpointResponse>> served = invoke("half-served", 2);
		await().until(() -> emulator.stats("half-served").inFlight() == 2);

		List<CompletableFuture<InvokeEndpointResponse>> beyond = invoke("half-served", 2);

		assertThat(beyond).allSatisfy((throttled) -> assertThatThrownBy(throttled::join).cause()
			.isInstanceOfSatisfying(SageMakerRuntimeException.class,
					(failure) -> assertThat(failure.isThrottlingException()).isTrue()));
		served.forEach(CompletableFuture::join);
		assertThat(describedInstances("half-served")).isEqualTo(4);
		EndpointStats stats = emulator.stats("half-served");
		assertThat(stats.instanceCount()).isEqualTo(4);
		assertThat(stats.servedInstances()).isEqualTo(2);
		assertThat(stats.maxInFlight()).isEqualTo(2);
		assertThat(stats.rejections()).isEqualTo(2);
		assertThat(stats.instances()).extracting(EndpointStats.InstanceStats::invocations).containsExactly(1L, 1L);
		// Both serving instances busy nearly all along: about 1 over the two that serve,
		// whereas over the four described it could not exceed 0.5.
		assertThat(stats.utilisation()).isBetween(0.6, 1.0);
	}

	@Test
	void scaling_shouldAddServingInstances_upToTheServedInstances() {
		emulator
			.define(EndpointSpec.builder("scaled-served").servedInstances(3).latency(Duration.ofMillis(500)).build());
		List<CompletableFuture<InvokeEndpointResponse>> invocations = invoke("scaled-served", 4);
		await().until(() -> emulator.stats("scaled-served").waiting() == 3);

		sageMaker.updateEndpointWeightsAndCapacities((request) -> request.endpointName("scaled-served")
			.desiredWeightsAndCapacities((variant) -> variant.variantName("AllTraffic").desiredInstanceCount(5)));

		await().until(() -> emulator.stats("scaled-served").inFlight() == 3);
		EndpointStats scaled = emulator.stats("scaled-served");
		assertThat(scaled.waiting()).isEqualTo(1);
		assertThat(scaled.instanceCount()).isEqualTo(5);
		assertThat(scaled.servedInstances()).isEqualTo(3);
		assertThat(describedInstances("scaled-served")).isEqualTo(5);
		invocations.forEach(CompletableFuture::join);
		assertThat(emulator.stats("scaled-served").maxInFlight()).isEqualTo(3);
		assertThat(emulator.endpoints()).filteredOn((spec) -> spec.name().equals("scaled-served"))
			.singleElement()
			.satisfies((spec) -> {
				assertThat(spec.instanceCount()).isEqualTo(5);
				assertThat(spec.servedInstances()).isEqualTo(3);
			});
	}

	@Test
	void servedInstances_shouldBeAtLeastOne_whenGiven() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EndpointSpec.builder("none-served").instances(2).servedInstances(0).build())
			.withMessageContaining("servedInstances 0");
		assertThat(EndpointSpec.builder("all-served").instances(2).build().servedInstances()).isNull();
	}

	private static int describedInstances(String endpoint) {
		List<ProductionVariantSummary> variants = sageMaker
			.describeEndpoint((request) -> request.endpointName(endpoint))
			.productionVariants();
		assertThat(variants).singleElement()
			.satisfies(
					(variant) -> assertThat(variant.desiredInstanceCount()).isEqualTo(variant.currentInstanceCount()));
		return variants.get(0).currentInstanceCount();
	}

	private static List<CompletableFuture<InvokeEndpointResponse>> invoke(String endpoint, int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> runtime.invokeEndpoint((request) -> request.endpointName(endpoint)
				.contentType("application/json")
				.body(SdkBytes.fromUtf8String("{}"))))
			.toList();
	}

}
