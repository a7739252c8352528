package io.inferq.worker.inference;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.job.JobError;
import io.inferq.job.Payload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The SageMaker adapter against the emulator (echoing): a request leaves only if its send
 * gate says yes when it is about to; the output's bytes are read only once the
 * invocation's gate admits its length, and a gate that refuses fails the invocation with
 * its own reason, the body unread.
 */
class SageMakerInferenceClientTest {

	private static final LocalAws aws = LocalAws.shared();

	private static SageMakerRuntimeAsyncClient sageMaker;

	private static String endpoint;

	@BeforeAll
	static void connect() {
		endpoint = "gate-" + System.nanoTime();
		aws.sageMaker()
			.define(EndpointSpec.builder(endpoint).instances(2).latency(Duration.ofMillis(5)).echo(true).build());
		sageMaker = aws.configure(SageMakerRuntimeAsyncClient.builder(), aws.sageMakerEndpoint())
			.overrideConfiguration((client) -> client.addExecutionInterceptor(new SendGateInterceptor())
				.addExecutionInterceptor(new OutputGateInterceptor()))
			.build();
	}

	@AfterAll
	static void disconnect() {
		sageMaker.close();
	}

	@Test
	void invoke_shouldReadTheOutputOnlyOnceTheGateAdmitsItsLength() {
		byte[] input = new byte[1024 * 1024];
		new Random(1).nextBytes(input);
		AtomicLong asked = new AtomicLong(-2);
		CompletableFuture<Void> room = new CompletableFuture<>();

		CompletableFuture<Payload> output = new SageMakerInferenceClient(sageMaker, endpoint)
			.invoke(new Payload(input, "application/octet-stream"), null, SendGate.OPEN, (length) -> {
				asked.set(length);
				return room;
			});

		await().atMost(Duration.ofSeconds(10)).until(() -> asked.get() == input.length);
		assertThat(output).isNotDone();
		room.complete(null);
		assertThat(output.join()).isEqualTo(new Payload(input, "application/octet-stream"));
	}

	@Test
	void invoke_shouldFailWithTheGatesReasonWhenItRefuses() {
		InferenceException tooLarge = new InferenceException(new JobError("OutputTooLarge", "too large"), false, null);

		CompletableFuture<Payload> output = new SageMakerInferenceClient(sageMaker, endpoint).invoke(
				Payload.json("{\"a\":1}"), null, SendGate.OPEN, (length) -> CompletableFuture.failedFuture(tooLarge));

		Throwable failure = catchThrowable(output::join);
		assertThat(failure).isInstanceOf(CompletionException.class).hasCause(tooLarge);
		assertThat(new SageMakerInferenceClient(sageMaker, endpoint).invoke(Payload.json("{\"b\":2}"), null).join())
			.as("the connection is usable after a refused body")
			.isEqualTo(Payload.json("{\"b\":2}"));
	}

	@Test
	void invoke_shouldAskTheSendGateOnceTheRequestIsReady_andSendNothingWhenItSaysNo() {
		aws.sageMaker().resetStats(endpoint);
		List<Thread> askedOn = new CopyOnWriteArrayList<>();
		SageMakerInferenceClient client = new SageMakerInferenceClient(sageMaker, endpoint);

		CompletableFuture<Payload> heldBack = client.invoke(Payload.json("{\"c\":3}"), null, () -> {
			askedOn.add(Thread.currentThread());
			return false;
		});

		Throwable failure = catchThrowable(heldBack::join);
		assertThat(failure).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(InferenceException.class, (notSent) -> {
				assertThat(notSent.wasSent()).isFalse();
				assertThat(notSent.isRetryable()).isTrue();
				assertThat(notSent.isOverload()).isFalse();
			});
		assertThat(askedOn).as("asked once").hasSize(1);
		assertThat(aws.sageMaker().stats(endpoint).invocations()).as("the endpoint saw nothing").isZero();

		assertThat(client.invoke(Payload.json("{\"d\":4}"), null, () -> true).join())
			.isEqualTo(Payload.json("{\"d\":4}"));
		assertThat(aws.sageMaker().stats(endpoint).invocations()).isEqualTo(1);
	}

}
