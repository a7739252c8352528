package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Instances serve a bounded number of invocations at a time; the rest wait, time out or
 * are throttled.
 */
class EndpointCapacityTest {

	private static SageMakerEmulator emulator;

	private static SageMakerRuntimeAsyncClient client;

	@BeforeAll
	static void start() {
		emulator = SageMakerEmulator.start(0);
		client = SageMakerClients.runtimeAsync(emulator);
	}

	@AfterAll
	static void stop() {
		client.close();
		emulator.close();
	}

	@Test
	void invocationsOverCapacity_shouldWaitForAFreeInstance() {
		emulator.define(EndpointSpec.builder("two-instances").instances(2).latency(Duration.ofMillis(500)).build());

		long started = System.nanoTime();
		List<InvokeEndpointResponse> responses = invokeConcurrently("two-instances", 8).stream()
			.map(CompletableFuture::join)
			.toList();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

		assertThat(responses).allSatisfy((response) -> {
			assertThat(response.body().asUtf8String()).isEqualTo("{\"message\":\"finish\"}");
			assertThat(response.invokedProductionVariant()).isEqualTo("AllTraffic");
		});
		assertThat(elapsed).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
		EndpointStats stats = emulator.stats("two-instances");
		assertThat(stats.invocations()).isEqualTo(8);
		assertThat(stats.succeeded()).isEqualTo(8);
		assertThat(stats.maxInFlight()).isEqualTo(2);
		assertThat(stats.inFlight()).isZero();
		assertThat(stats.instances()).extracting(EndpointStats.InstanceStats::invocations).containsExactly(4L, 4L);
		assertThat(stats.utilisation()).isBetween(0.9, 1.0);
		assertThat(stats.utilisationWhileStarting()).isBetween(0.9, 1.0);
	}

	@Test
	void utilisationWhileStarting_shouldLeaveOutTheDrainAfterTheLastStart() {
		emulator.define(EndpointSpec.builder("drain").instances(2).latency(Duration.ofMillis(500)).build());

		invokeConcurrently("drain", 3).forEach(CompletableFuture::join);

		// Two start at once, the third when the first ends; then one instance idles
		// while the other drains: busy 1.5 s of 2 x 1 s in all, but all the time until
		// the last start.
		EndpointStats stats = emulator.stats("drain");
		assertThat(stats.utilisation()).isBetween(0.65, 0.8);
		assertThat(stats.utilisationWhileStarting()).isBetween(0.9, 1.0);
		assertThat(stats.lastStartedAt()).isAfter(stats.firstStartedAt());
	}

	@Test
	void invocationThatCannotFinishInTime_shouldFailWithModelError() {
		emulator.define(EndpointSpec.builder("short-limit")
			.latency(Duration.ofMillis(400))
			.modelTimeout(Duration.ofMillis(600))
			.build());

		List<CompletableFuture<InvokeEndpointResponse>> invocations = invokeConcurrently("short-limit", 2);
		CompletableFuture.allOf(invocations.toArray(CompletableFuture[]::new)).exceptionally((failure) -> null).join();

		assertThat(invocations).filteredOn((invocation) -> !invocation.isCompletedExceptionally()).hasSize(1);
		assertThat(invocations).filteredOn(CompletableFuture::isCompletedExceptionally)
			.singleElement()
			.satisfies((failed) -> assertThatThrownBy(failed::join).cause()
				.isInstanceOfSatisfying(ModelErrorException.class, (failure) -> {
					assertThat(failure.originalStatusCode()).isZero();
					assertThat(failure.originalMessage()).contains("invocation timed out");
				}));
		EndpointStats stats = emulator.stats("short-limit");
		assertThat(stats.timeouts()).isEqualTo(1);
		assertThat(stats.errors()).containsEntry("ModelError", 1L);
		assertThat(stats.waiting()).isZero();
	}

	@Test
	void invocationOverCapacity_shouldBeThrottled_whenRejectingWhenBusy() {
		emulator.define(EndpointSpec.builder("reject").latency(Duration.ofMillis(300)).rejectWhenBusy(true).build());

		List<CompletableFuture<InvokeEndpointResponse>> invocations = invokeConcurrently("reject", 2);

		CompletableFuture.allOf(invocations.toArray(CompletableFuture[]::new)).exceptionally((failure) -> null).join();
		assertThat(invocations).filteredOn(CompletableFuture::isCompletedExceptionally)
			.singleElement()
			.satisfies((failed) -> assertThatThrownBy(failed::join).cause()
				.isInstanceOfSatisfying(SageMakerRuntimeException.class,
						(failure) -> assertThat(failure.isThrottlingException()).isTrue()));
		EndpointStats stats = emulator.stats("reject");
		assertThat(stats.rejections()).isEqualTo(1);
		assertThat(stats.succeeded()).isEqualTo(1);
	}

	@Test
	void instancesServingSeveralInvocations_shouldRunThemConcurrently() {
		emulator.define(EndpointSpec.builder("concurrent")
			.instances(2)
			.concurrencyPerInstance(3)
			.latency(Duration.ofMillis(300))
			.build());

		invokeConcurrently("concurrent", 6).forEach(CompletableFuture::join);

		EndpointStats stats = emulator.stats("concurrent");
		assertThat(stats.maxInFlight()).isEqualTo(6);
		assertThat(stats.instances()).extracting(EndpointStats.InstanceStats::invocations).containsExactly(3L, 3L);
	}

	@Test
	void outstanding_shouldCountWaitingRequests_untilTheirAnswersAreWritten() {
		emulator.define(EndpointSpec.builder("outstanding").latency(Duration.ofMillis(400)).build());

		List<CompletableFuture<InvokeEndpointResponse>> invocations = invokeConcurrently("outstanding", 3);
		await().until(() -> emulator.stats("outstanding").waiting() == 2);

		EndpointStats busy = emulator.stats("outstanding");
		assertThat(busy.outstanding()).isEqualTo(3);
		assertThat(busy.inFlight()).isEqualTo(1);
		invocations.forEach(CompletableFuture::join);
		await().untilAsserted(() -> assertThat(emulator.stats("outstanding").outstanding()).isZero());
		EndpointStats done = emulator.stats("outstanding");
		assertThat(done.maxOutstanding()).isEqualTo(3);
		assertThat(done.maxInFlight()).isEqualTo(1);
	}

	@Test
	void outstanding_shouldCountARejectedRequest_untilItIsAnswered() {
		emulator.define(EndpointSpec.builder("outstanding-rejected")
			.latency(Duration.ofSeconds(30))
			.rejectWhenBusy(true)
			.build());
		// Holds the only instance for longer than the test runs.
		CompletableFuture<InvokeEndpointResponse> running = invokeConcurrently("outstanding-rejected", 1).get(0);
		await().until(() -> emulator.stats("outstanding-rejected").inFlight() == 1);

		CompletableFuture<InvokeEndpointResponse> rejected = invokeConcurrently("outstanding-rejected", 1).get(0);

		assertThatThrownBy(rejected::join).cause().isInstanceOf(SageMakerRuntimeException.class);
		await().untilAsserted(() -> assertThat(emulator.stats("outstanding-rejected").outstanding()).isEqualTo(1));
		assertThat(running).isNotDone();
		assertThat(emulator.stats("outstanding-rejected").maxOutstanding()).isEqualTo(2);
		running.cancel(true);
	}

	@Test
	void resetStats_shouldKeepCountingWhatIsOutstanding_andStartTheMaximumFromIt() {
		emulator.define(EndpointSpec.builder("outstanding-reset").latency(Duration.ofMillis(300)).build());
		List<CompletableFuture<InvokeEndpointResponse>> invocations = invokeConcurrently("outstanding-reset", 3);
		await().until(() -> {
			EndpointStats stats = emulator.stats("outstanding-reset");
			return stats.succeeded() == 1 && stats.outstanding() == 2;
		});
		assertThat(emulator.stats("outstanding-reset").maxOutstanding()).isEqualTo(3);

		emulator.resetStats("outstanding-reset");

		EndpointStats afterReset = emulator.stats("outstanding-reset");
		assertThat(afterReset.invocations()).isZero();
		assertThat(afterReset.outstanding()).isEqualTo(2);
		assertThat(afterReset.maxOutstanding()).isEqualTo(2);
		invocations.forEach(CompletableFuture::join);
		await().untilAsserted(() -> assertThat(emulator.stats("outstanding-reset").outstanding()).isZero());
		assertThat(emulator.stats("outstanding-reset").maxOutstanding()).isEqualTo(2);
	}

	static List<CompletableFuture<InvokeEndpointResponse>> invokeConcurrently(String endpoint, int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> client.invokeEndpoint((request) -> request.endpointName(endpoint)
				.contentType("application/json")
				.body(SdkBytes.fromUtf8String("{\"i\":" + i + "}"))))
			.toList();
	}

}
