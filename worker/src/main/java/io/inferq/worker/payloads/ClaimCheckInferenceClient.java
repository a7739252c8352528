package io.inferq.worker.payloads;

import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.job.Payload;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.PayloadStoreException;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.inferq.worker.inference.OutputGate;
import io.inferq.worker.inference.SendGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InferenceClient} that resolves claim checks around another: it fetches an
 * input kept in the payload store (inferq's, or a client's {@code inputLocation}) before
 * the invocation, and stores an output above the inline threshold there, answering with
 * the reference. Whatever it holds counts against a {@link ByteBudget}, through the
 * invocation's {@link OutputGate}: an input is fetched only once its bytes are reserved;
 * an output's bytes are read only once they are counted, and count until the output is
 * stored. An invocation with an inline input (at most the inline threshold) waits for
 * room for its output; one that holds a fetched input counts its output at once, room or
 * not, since waiting while holding could leave every invocation waiting for the others.
 * <p>
 * Inputs and outputs above the largest payload size fail at once, never retried:
 * {@code InputTooLarge} (looked at before it is read) and {@code OutputTooLarge}. An
 * input that is gone, refused or not what was stored fails permanently too; a payload
 * store that cannot be reached fails the attempt as retryable, so the job runs again.
 */
public class ClaimCheckInferenceClient implements InferenceClient {

	private static final Logger logger = LoggerFactory.getLogger(ClaimCheckInferenceClient.class);

	private final InferenceClient delegate;

	private final PayloadStore payloads;

	private final ByteBudget budget;

	private final long maxSize;

	private final long inlineThreshold;

	/**
	 * @param budget the bytes of payloads this worker holds at most
	 * @param maxSize the largest input and output, in bytes
	 * @param inlineThreshold the largest output answered inline; larger ones are stored
	 */
	public ClaimCheckInferenceClient(InferenceClient delegate, PayloadStore payloads, ByteBudget budget, long maxSize,
			long inlineThreshold) {
		this.delegate = delegate;
		this.payloads = payloads;
		this.budget = budget;
		this.maxSize = maxSize;
		this.inlineThreshold = inlineThreshold;
	}

	@Override
	public CompletableFuture<Payload> invoke(Payload input, String accept) {
		return invoke(input, accept, SendGate.OPEN);
	}

	/**
	 * Resolves the input, then invokes the delegate with {@code send}, which it asks
	 * right before the request leaves: after the input's bytes were reserved and fetched.
	 */
	@Override
	public CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send) {
		CompletableFuture<Payload> sized = (input.isStored() && !input.ref().isSizeKnown())
				? this.payloads.describe(input, this.maxSize) : CompletableFuture.completedFuture(input);
		Call call = new Call();
		CompletableFuture<Payload> output = Futures.recover(sized, (failure) -> Futures.failed(inputFailure(failure)))
			.thenCompose((known) -> {
				if (known.size() > this.maxSize) {
					return Futures.failed(permanent("InputTooLarge", "The input is " + known.size()
							+ " bytes; a job's input may be " + this.maxSize + " bytes at most"));
				}
				return known.isStored() ? invokeStored(known, accept, send, call)
						: this.delegate.invoke(known, accept, send, call::admit);
			})
			.thenCompose((answer) -> keep(answer, call));
		return Futures.recover(output.whenComplete((answer, failure) -> call.release()),
				(failure) -> Futures.failed(InferenceException.from(failure)));
	}

	private CompletableFuture<Payload> invokeStored(Payload input, String accept, SendGate send, Call call) {
		return this.budget.reserve(input.size()).thenCompose((grant) -> {
			call.input = grant;
			return Futures
				.recover(this.payloads.get(input, this.maxSize), (failure) -> Futures.failed(inputFailure(failure)))
				.thenCompose((fetched) -> this.delegate.invoke(fetched, accept, send, call::admit));
		});
	}

	/** Refuses an output that is too large; stores one above the inline threshold. */
	private CompletableFuture<Payload> keep(Payload output, Call call) {
		if (output.size() > this.maxSize) {
			return Futures.failed(outputTooLarge(output.size()));
		}
		if (output.isStored() || output.size() <= this.inlineThreshold) {
			return CompletableFuture.completedFuture(output);
		}
		if (call.output == null) {
			// The client read it without asking the gate.
			call.output = this.budget.hold(output.size());
		}
		return Futures.recover(this.payloads.put(output), (failure) -> {
			PayloadStoreException stored = asPayloadFailure(failure);
			logger.warn("An output of {} bytes could not be stored: {}", output.size(), stored.getMessage());
			return Futures
				.failed(new InferenceException(
						new JobError(stored.isPermanent() ? "OutputNotStored" : PayloadStoreException.UNAVAILABLE,
								"The output could not be stored: " + stored.getMessage()),
						!stored.isPermanent(), stored));
		});
	}

	private InferenceException outputTooLarge(long size) {
		return permanent("OutputTooLarge",
				"The model answered " + size + " bytes; a job's output may be " + this.maxSize + " bytes at most");
	}

	/** What one invocation holds of the budget. */
	private final class Call {

		private volatile ByteBudget.Grant input;

		private volatile ByteBudget.Grant output;

		/** The {@link OutputGate} of this invocation. */
		CompletableFuture<Void> admit(long length) {
			if (length > ClaimCheckInferenceClient.this.maxSize) {
				return Futures.failed(outputTooLarge(length));
			}
			long bytes = (length >= 0) ? length : ClaimCheckInferenceClient.this.maxSize;
			if (this.input != null) {
				this.output = ClaimCheckInferenceClient.this.budget.hold(bytes);
				return CompletableFuture.completedFuture(null);
			}
			return ClaimCheckInferenceClient.this.budget.reserve(bytes).thenAccept((grant) -> this.output = grant);
		}

		void release() {
			if (this.input != null) {
				this.input.release();
			}
			if (this.output != null) {
				this.output.release();
			}
		}

	}

	private static InferenceException inputFailure(Throwable failure) {
		if (failure instanceof InferenceException inference) {
			return inference;
		}
		PayloadStoreException payload = asPayloadFailure(failure);
		String type = switch (payload.reason()) {
			case PayloadStoreException.NOT_FOUND -> "InputNotFound";
			case PayloadStoreException.TOO_LARGE -> "InputTooLarge";
			case PayloadStoreException.LOCATION_REFUSED -> "InputLocationRefused";
			case PayloadStoreException.ACCESS_DENIED -> "InputAccessDenied";
			case PayloadStoreException.CORRUPT -> "InputCorrupt";
			default -> payload.reason();
		};
		return new InferenceException(new JobError(type, payload.getMessage()), !payload.isPermanent(), payload);
	}

	private static PayloadStoreException asPayloadFailure(Throwable failure) {
		return (failure instanceof PayloadStoreException payload) ? payload
				: PayloadStoreException.unavailable(String.valueOf(failure), failure);
	}

	private static InferenceException permanent(String type, String message) {
		return new InferenceException(new JobError(type, message), false, null);
	}

}
