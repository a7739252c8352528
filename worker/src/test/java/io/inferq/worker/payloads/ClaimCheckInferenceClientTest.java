package io.inferq.worker.payloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.inferq.job.Payload;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.inferq.worker.inference.OutputGate;
import io.inferq.worker.inference.SendGate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class ClaimCheckInferenceClientTest {

	private static final long MAX = 6_000_000;

	private static final long INLINE = 4096;

	private final InMemoryPayloadStore payloads = new InMemoryPayloadStore();

	/** Echoes its input; each invocation ends when the test completes its future. */
	private final List<CompletableFuture<Payload>> invocations = new ArrayList<>();

	private final List<Payload> inputs = new ArrayList<>();

	private final InferenceClient echo = new InferenceClient() {

		@Override
		public CompletableFuture<Payload> invoke(Payload input, String accept) {
			return invoke(input, accept, SendGate.OPEN, (length) -> CompletableFuture.completedFuture(null));
		}

		/** Asks the gate with the answer's length once the test gives the answer. */
		@Override
		public CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send, OutputGate gate) {
			if (!send.maySend()) {
				return CompletableFuture.failedFuture(InferenceException.notSent());
			}
			ClaimCheckInferenceClientTest.this.inputs.add(input);
			CompletableFuture<Payload> answer = new CompletableFuture<>();
			ClaimCheckInferenceClientTest.this.invocations.add(answer);
			return answer.thenCompose((output) -> gate.admit(output.size()).thenApply((admitted) -> output));
		}

	};

	@Test
	void invoke_shouldFetchAStoredInputAndKeepALargeOutputInTheStore() {
		byte[] image = bytes(300_000);
		Payload stored = this.payloads.put(new Payload(image, "image/jpeg")).join();
		ClaimCheckInferenceClient client = client(new ByteBudget(10_000_000));

		CompletableFuture<Payload> output = client.invoke(stored, "application/octet-stream");
		this.invocations.get(0).complete(this.inputs.get(0));

		assertThat(this.inputs.get(0)).isEqualTo(new Payload(image, "image/jpeg"));
		Payload answer = output.join();
		assertThat(answer.isStored()).isTrue();
		assertThat(answer.size()).isEqualTo(image.length);
		assertThat(this.payloads.get(answer, MAX).join().bytes()).isEqualTo(image);
	}

	@Test
	void invoke_shouldAnswerASmallOutputInline() {
		ClaimCheckInferenceClient client = client(new ByteBudget(1000));

		CompletableFuture<Payload> output = client.invoke(Payload.json("{\"a\":1}"), null);
		this.invocations.get(0).complete(Payload.json("{\"b\":2}"));

		assertThat(output.join()).isEqualTo(Payload.json("{\"b\":2}"));
		assertThat(this.payloads.objects).isEmpty();
	}

	@Test
	void invoke_shouldHoldAStoredInputWithinTheBudgetUntilItsInvocationEnds() {
		ByteBudget budget = new ByteBudget(500_000);
		Payload first = this.payloads.put(new Payload(bytes(300_000), "x/y")).join();
		Payload second = this.payloads.put(new Payload(bytes(300_000), "x/y")).join();
		ClaimCheckInferenceClient client = client(budget);

		client.invoke(first, null);
		client.invoke(second, null);

		assertThat(this.invocations).hasSize(1);
		assertThat(this.payloads.gets).hasValue(1);
		assertThat(budget.held()).isEqualTo(300_000);
		assertThat(budget.waiting()).isEqualTo(1);

		this.invocations.get(0).complete(Payload.json("{}"));

		assertThat(this.invocations).hasSize(2);
		assertThat(budget.held()).isEqualTo(300_000);
		this.invocations.get(1).complete(Payload.json("{}"));
		assertThat(budget.held()).isZero();
	}

	@Test
	void invoke_shouldAskTheSendGateOnlyOnceTheStoredInputIsFetched_andReleaseItsBytesWhenHeldBack() {
		ByteBudget budget = new ByteBudget(500_000);
		ByteBudget.Grant taken = budget.reserve(400_000).join();
		Payload stored = this.payloads.put(new Payload(bytes(300_000), "x/y")).join();
		AtomicBoolean shareHolds = new AtomicBoolean(true);

		CompletableFuture<Payload> output = client(budget).invoke(stored, null, shareHolds::get);
		assertThat(budget.waiting()).as("waits for room for its input").isEqualTo(1);
		shareHolds.set(false);
		taken.release();

		InferenceException failure = failure(output);
		assertThat(failure.wasSent()).isFalse();
		assertThat(this.payloads.gets).as("fetched, then held back").hasValue(1);
		assertThat(this.invocations).isEmpty();
		assertThat(budget.held()).isZero();
	}

	@Test
	void invoke_shouldReadAnOutputOnlyOnceTheBudgetHasRoomForIt() {
		ByteBudget budget = new ByteBudget(1_000_000);
		ByteBudget.Grant taken = budget.reserve(900_000).join();
		ClaimCheckInferenceClient client = client(budget);

		CompletableFuture<Payload> output = client.invoke(Payload.json("{}"), null);
		this.invocations.get(0).complete(new Payload(bytes(200_000), "x/y"));

		assertThat(output).isNotDone();
		assertThat(budget.waiting()).isEqualTo(1);
		taken.release();
		assertThat(output.join().isStored()).isTrue();
		assertThat(budget.held()).isZero();
	}

	@Test
	void invoke_shouldFailAnInputTooLargeForGoodWithoutReadingOrInvoking() {
		Payload seven = this.payloads.clientObject("seven.bin", new byte[7_000_000], "application/octet-stream");

		InferenceException failure = failure(client(new ByteBudget(100)).invoke(seven, null));

		assertThat(failure.isRetryable()).isFalse();
		assertThat(failure.error().type()).isEqualTo("InputTooLarge");
		assertThat(this.payloads.gets).hasValue(0);
		assertThat(this.invocations).isEmpty();
	}

	@Test
	void invoke_shouldFailAMissingClientObjectForGood() {
		Payload missing = this.payloads.clientObject("gone.jpg", new byte[1], "image/jpeg");
		this.payloads.objects.clear();

		InferenceException failure = failure(client(new ByteBudget(100)).invoke(missing, null));

		assertThat(failure.isRetryable()).isFalse();
		assertThat(failure.error().type()).isEqualTo("InputNotFound");
		assertThat(failure.error().message()).contains("s3://clients/gone.jpg");
		assertThat(this.invocations).isEmpty();
	}

	@Test
	void invoke_shouldFailAnOutputTooLargeForGood() {
		CompletableFuture<Payload> output = client(new ByteBudget(100)).invoke(Payload.json("{}"), null);
		this.invocations.get(0).complete(new Payload(new byte[(int) MAX + 1], "x/y"));

		InferenceException failure = failure(output);

		assertThat(failure.isRetryable()).isFalse();
		assertThat(failure.error().type()).isEqualTo("OutputTooLarge");
		assertThat(this.payloads.objects).isEmpty();
	}

	@Test
	void invoke_shouldFailForAnotherAttemptWhileTheStoreIsDown() {
		Payload stored = this.payloads.put(new Payload(bytes(10_000), "x/y")).join();
		this.payloads.down = true;
		ByteBudget budget = new ByteBudget(1_000_000);

		InferenceException failedFetch = failure(client(budget).invoke(stored, null));
		CompletableFuture<Payload> output = client(budget).invoke(Payload.json("{}"), null);
		this.invocations.get(0).complete(new Payload(bytes(10_000), "x/y"));
		InferenceException failedStore = failure(output);

		assertThat(failedFetch.isRetryable()).isTrue();
		assertThat(failedStore.isRetryable()).isTrue();
		assertThat(budget.held()).isZero();
	}

	private ClaimCheckInferenceClient client(ByteBudget budget) {
		return new ClaimCheckInferenceClient(this.echo, this.payloads, budget, MAX, INLINE);
	}

	private static InferenceException failure(CompletableFuture<Payload> output) {
		Throwable failure = catchThrowable(output::join);
		assertThat(failure).isInstanceOf(CompletionException.class).hasCauseInstanceOf(InferenceException.class);
		return (InferenceException) failure.getCause();
	}

	private static byte[] bytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
