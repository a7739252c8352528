package io.inferq.infra.sagemaker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Deterministic triggers, the built-in model's options and proxying to a model container.
 */
class TriggersAndModelsTest {

	private static SageMakerEmulator emulator;

	private static SageMakerRuntimeClient client;

	/** A model container following the SageMaker contract: upper-cases text. */
	private static DisposableServer container;

	@BeforeAll
	static void start() {
		emulator = SageMakerEmulator.start(0);
		client = SageMakerClients.runtime(emulator);
		container = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/ping", (request, response) -> response.status(200).send())
				.post("/invocations", (request, response) -> request.receive()
					.aggregate()
					.asString()
					.flatMap((body) -> body.equals("fail") ? response.status(400).sendString(Mono.just("no")).then()
							: response.header("Content-Type", "text/plain")
								.header("X-Amzn-SageMaker-Custom-Attributes",
										request.requestHeaders().get("X-Amzn-SageMaker-Custom-Attributes", ""))
								.sendString(Mono
									.just(body.toUpperCase() + " via " + request.requestHeaders().get("Accept")))
								.then())))
			.bindNow();
	}

	@AfterAll
	static void stop() {
		client.close();
		emulator.close();
		container.disposeNow();
	}

	@Test
	void transientTrigger_shouldFailTheFirstInvocationsOfItsKey_thenSucceed() {
		emulator.define(EndpointSpec.builder("transient").latency(Duration.ZERO).build());
		String body = "{\"_emulator\": {\"error\": \"ThrottlingException\", \"times\": 2, \"key\": \"abc\"}}";

		for (int attempt = 0; attempt < 2; attempt++) {
			assertThatThrownBy(() -> invoke("transient", body)).isInstanceOfSatisfying(SageMakerRuntimeException.class,
					(failure) -> assertThat(failure.isThrottlingException()).isTrue());
		}
		assertThat(invoke("transient", body).body().asUtf8String()).isEqualTo("{\"message\":\"finish\"}");
		assertThat(emulator.stats("transient").errors()).containsEntry("ThrottlingException", 2L);
	}

	@Test
	void latencyTrigger_shouldOverrideTheModelsLatency() {
		emulator.define(EndpointSpec.builder("slow-on-demand").latency(Duration.ZERO).build());

		long started = System.nanoTime();
		invoke("slow-on-demand", "{\"_emulator\": {\"latencyMs\": 700}}");

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
	}

	@Test
	void echoingModel_shouldAnswerTheRequest_andEchoCustomAttributes() {
		emulator.define(EndpointSpec.builder("echo").latency(Duration.ZERO).echo(true).build());

		InvokeEndpointResponse response = client.invokeEndpoint((request) -> request.endpointName("echo")
			.contentType("text/csv")
			.accept("text/csv")
			.customAttributes("trace=1")
			.body(SdkBytes.fromUtf8String("1,2,3")));

		assertThat(response.body().asUtf8String()).isEqualTo("1,2,3");
		assertThat(response.contentType()).isEqualTo("text/csv");
		assertThat(response.customAttributes()).isEqualTo("trace=1");
	}

	@Test
	void builtInModel_shouldRefuseAnAcceptItCannotAnswer() {
		emulator.define(EndpointSpec.builder("json-only").latency(Duration.ZERO).build());

		assertThatThrownBy(() -> client.invokeEndpoint((request) -> request.endpointName("json-only")
			.contentType("application/json")
			.accept("text/csv")
			.body(SdkBytes.fromUtf8String("{}")))).isInstanceOfSatisfying(ModelErrorException.class,
					(failure) -> assertThat(failure.originalStatusCode()).isEqualTo(406));
	}

	@Test
	void randomFaults_shouldFailTheirShareOfInvocations() {
		emulator.define(EndpointSpec.builder("always-unavailable")
			.latency(Duration.ZERO)
			.errorRate(SageMakerError.SERVICE_UNAVAILABLE, 1.0)
			.build());

		assertThatThrownBy(() -> invoke("always-unavailable", "{}")).isInstanceOfSatisfying(
				SageMakerRuntimeException.class, (failure) -> assertThat(failure.statusCode()).isEqualTo(503));
	}

	@Test
	void containerModel_shouldForwardToTheContainer_withinInstanceConcurrency() {
		emulator.define(EndpointSpec.builder("proxied")
			.instances(2)
			.containers(List.of(URI.create("http://127.0.0.1:" + container.port())))
			.build());

		InvokeEndpointResponse response = client.invokeEndpoint((request) -> request.endpointName("proxied")
			.contentType("text/plain")
			.accept("text/plain")
			.customAttributes("c=1")
			.body(SdkBytes.fromUtf8String("hello")));

		assertThat(response.body().asUtf8String()).isEqualTo("HELLO via text/plain");
		assertThat(response.contentType()).isEqualTo("text/plain");
		assertThat(response.customAttributes()).isEqualTo("c=1");
		List<CompletableFuture<InvokeEndpointResponse>> concurrent = List.of(
				CompletableFuture.supplyAsync(() -> invoke("proxied", "{\"_emulator\": {\"latencyMs\": 300}}")),
				CompletableFuture.supplyAsync(() -> invoke("proxied", "{\"_emulator\": {\"latencyMs\": 300}}")),
				CompletableFuture.supplyAsync(() -> invoke("proxied", "{\"_emulator\": {\"latencyMs\": 300}}")));
		concurrent.forEach(CompletableFuture::join);
		assertThat(emulator.stats("proxied").maxInFlight()).isEqualTo(2);
	}

	@Test
	void containerModel_shouldTurnAContainerErrorIntoModelError() {
		emulator.define(EndpointSpec.builder("proxied-failing")
			.containers(List.of(URI.create("http://127.0.0.1:" + container.port() + "/")))
			.build());

		assertThatThrownBy(() -> invoke("proxied-failing", "fail")).isInstanceOfSatisfying(ModelErrorException.class,
				(failure) -> {
					assertThat(failure.originalStatusCode()).isEqualTo(400);
					assertThat(failure.originalMessage()).isEqualTo("no");
				});
	}

	@Test
	void resetStats_shouldStartTheStatsAfresh() {
		emulator.define(EndpointSpec.builder("reset").latency(Duration.ofMillis(50)).build());
		invoke("reset", "{}");
		assertThat(emulator.stats("reset").invocations()).isEqualTo(1);
		// The client may read the answer before the emulator has counted the invocation
		// out; a reset keeps what is still going on, so wait until nothing is.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> emulator.stats("reset").outstanding() == 0 && emulator.stats("reset").inFlight() == 0);

		emulator.resetStats("reset");

		EndpointStats stats = emulator.stats("reset");
		assertThat(stats.invocations()).isZero();
		assertThat(stats.maxInFlight()).isZero();
		assertThat(stats.firstStartedAt()).isNull();
		assertThat(stats.utilisation()).isZero();
		assertThat(stats.instances()).singleElement().satisfies((instance) -> {
			assertThat(instance.invocations()).isZero();
			assertThat(instance.busyTime()).isZero();
		});
	}

	private static InvokeEndpointResponse invoke(String endpoint, String body) {
		return client.invokeEndpoint((request) -> request.endpointName(endpoint)
			.contentType("application/json")
			.body(SdkBytes.fromUtf8String(body)));
	}

}
