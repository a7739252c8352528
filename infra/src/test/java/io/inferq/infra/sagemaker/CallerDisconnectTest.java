package io.inferq.infra.sagemaker;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A caller that goes away mid-invocation: by default its invocation is abandoned and its
 * instance freed at once; with {@code keepRunningAfterDisconnect}, as on SageMaker, the
 * invocation goes on, holding its instance and counted as outstanding, until the model
 * finishes.
 */
class CallerDisconnectTest {

	/** Far more than the emulator needs to notice a closed connection. */
	private static final Duration NOTICED = Duration.ofMillis(400);

	private static SageMakerEmulator emulator;

	/** A client that gives up on a call before the model answers. */
	private static SageMakerRuntimeAsyncClient impatient;

	@BeforeAll
	static void start() {
		emulator = SageMakerEmulator.start(0);
		impatient = SageMakerClients.runtimeAsync(emulator, Duration.ofMillis(500));
		// Its first calls may run out of time in the client itself, before reaching us.
		emulator.define(EndpointSpec.builder("warm-up").latency(Duration.ZERO).build());
		await().until(() -> invoke("warm-up").handle((response, failure) -> failure == null).join());
	}

	@AfterAll
	static void stop() {
		impatient.close();
		emulator.close();
	}

	@Test
	void closedConnection_shouldFreeTheInstanceAtOnce_byDefault() throws IOException {
		emulator.define(EndpointSpec.builder("abandoned").latency(Duration.ofSeconds(5)).build());
		try (Socket caller = sendInvocation("abandoned")) {
			await().until(() -> emulator.stats("abandoned").inFlight() == 1);
		}

		await().atMost(NOTICED).untilAsserted(() -> {
			EndpointStats stats = emulator.stats("abandoned");
			assertThat(stats.inFlight()).isZero();
			assertThat(stats.outstanding()).isZero();
		});
		assertThat(emulator.stats("abandoned").succeeded()).isZero();
	}

	@Test
	void closedConnection_shouldLeaveTheInvocationRunning_untilTheModelFinishes_whenKeepingRunning()
			throws IOException {
		emulator.define(
				EndpointSpec.builder("kept").latency(Duration.ofMillis(1200)).keepRunningAfterDisconnect(true).build());
		try (Socket caller = sendInvocation("kept")) {
			await().until(() -> emulator.stats("kept").inFlight() == 1);
		}

		await().during(NOTICED.multipliedBy(2)).atMost(NOTICED.multipliedBy(3)).untilAsserted(() -> {
			EndpointStats stats = emulator.stats("kept");
			assertThat(stats.inFlight()).isEqualTo(1);
			assertThat(stats.outstanding()).isEqualTo(1);
		});
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
			EndpointStats stats = emulator.stats("kept");
			assertThat(stats.inFlight()).isZero();
			assertThat(stats.outstanding()).isZero();
		});
		EndpointStats stats = emulator.stats("kept");
		assertThat(stats.succeeded()).isEqualTo(1);
		assertThat(stats.maxOutstanding()).isEqualTo(1);
		assertThat(stats.instances()).singleElement()
			.satisfies((instance) -> assertThat(instance.busyTime()).isGreaterThanOrEqualTo(Duration.ofMillis(1200)));
	}

	@Test
	void closedConnection_shouldKeepAWaitingInvocationInLine_whenKeepingRunning() throws IOException {
		emulator.define(EndpointSpec.builder("kept-waiting")
			.latency(Duration.ofMillis(500))
			.keepRunningAfterDisconnect(true)
			.build());
		try (Socket first = sendInvocation("kept-waiting"); Socket second = sendInvocation("kept-waiting")) {
			await().until(() -> emulator.stats("kept-waiting").waiting() == 1);
		}

		// Abandoned, the second would give up its place long before the first ends.
		await().atMost(Duration.ofSeconds(3)).until(() -> emulator.stats("kept-waiting").outstanding() == 0);
		EndpointStats stats = emulator.stats("kept-waiting");
		assertThat(stats.succeeded()).isEqualTo(2);
		assertThat(stats.maxInFlight()).isEqualTo(1);
		assertThat(stats.maxOutstanding()).isEqualTo(2);
		assertThat(stats.instances()).singleElement()
			.satisfies((instance) -> assertThat(instance.invocations()).isEqualTo(2));
	}

	@Test
	void closedConnection_shouldLeaveTheInvocationRunning_untilTheModelTimeout_whenKeepingRunning() throws IOException {
		emulator.define(EndpointSpec.builder("kept-too-long")
			.latency(Duration.ofSeconds(30))
			.modelTimeout(Duration.ofMillis(700))
			.keepRunningAfterDisconnect(true)
			.build());
		long sent = System.nanoTime();
		try (Socket caller = sendInvocation("kept-too-long")) {
			await().until(() -> emulator.stats("kept-too-long").inFlight() == 1);
		}

		await().atMost(Duration.ofSeconds(2)).until(() -> emulator.stats("kept-too-long").outstanding() == 0);
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
		EndpointStats stats = emulator.stats("kept-too-long");
		assertThat(stats.timeouts()).isEqualTo(1);
		assertThat(stats.inFlight()).isZero();
	}

	@Test
	void callerThatStays_shouldGetItsAnswer_whenKeepingRunning() throws IOException {
		emulator.define(EndpointSpec.builder("kept-answering")
			.latency(Duration.ofMillis(100))
			.keepRunningAfterDisconnect(true)
			.build());

		try (Socket caller = sendInvocation("kept-answering")) {
			String answer = new String(caller.getInputStream().readNBytes(1024), StandardCharsets.US_ASCII);

			assertThat(answer).startsWith("HTTP/1.1 200 OK").endsWith("{\"message\":\"finish\"}");
		}
		await().until(() -> emulator.stats("kept-answering").outstanding() == 0);
	}

	@Test
	void sdkCallTimingOut_shouldFreeTheInstanceAtOnce_byDefault() {
		emulator.define(EndpointSpec.builder("sdk-abandoned").latency(Duration.ofSeconds(5)).build());

		CompletableFuture<InvokeEndpointResponse> call = invoke("sdk-abandoned");
		await().until(() -> emulator.stats("sdk-abandoned").inFlight() == 1);

		assertThatThrownBy(call::join).cause().isInstanceOf(ApiCallTimeoutException.class);

		await().atMost(NOTICED).until(() -> emulator.stats("sdk-abandoned").outstanding() == 0);
		assertThat(emulator.stats("sdk-abandoned").maxInFlight()).isEqualTo(1);
	}

	@Test
	void sdkCallTimingOut_shouldLeaveTheInvocationRunning_whenKeepingRunning() {
		emulator.define(EndpointSpec.builder("sdk-kept")
			.latency(Duration.ofMillis(1500))
			.keepRunningAfterDisconnect(true)
			.build());

		CompletableFuture<InvokeEndpointResponse> call = invoke("sdk-kept");
		await().until(() -> emulator.stats("sdk-kept").inFlight() == 1);

		assertThatThrownBy(call::join).cause().isInstanceOf(ApiCallTimeoutException.class);

		await().during(NOTICED).atMost(NOTICED.plusMillis(200)).until(() -> {
			EndpointStats stats = emulator.stats("sdk-kept");
			return stats.inFlight() == 1 && stats.outstanding() == 1;
		});
		await().atMost(Duration.ofSeconds(1)).until(() -> emulator.stats("sdk-kept").outstanding() == 0);
		assertThat(emulator.stats("sdk-kept").succeeded()).isEqualTo(1);
	}

	/** Sends InvokeEndpoint over a plain socket; closing it is the caller going away. */
	private static Socket sendInvocation(String endpoint) throws IOException {
		Socket socket = new Socket(emulator.endpoint().getHost(), emulator.port());
		OutputStream out = socket.getOutputStream();
		out.write(("POST /endpoints/" + endpoint + "/invocations HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
				+ "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	private static CompletableFuture<InvokeEndpointResponse> invoke(String endpoint) {
		return impatient.invokeEndpoint((request) -> request.endpointName(endpoint)
			.contentType("application/json")
			.body(SdkBytes.fromUtf8String("{}")));
	}

}
