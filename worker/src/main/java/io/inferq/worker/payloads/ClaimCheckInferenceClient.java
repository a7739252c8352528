package io.inferq.worker.payloads;

import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.job.Payload;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.PayloadStoreException;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InferenceClient} that resolves claim checks around another: it fetches an
 * input kept in the payload store (inferq's, or a client's {@code inputLocation}) before
 * the invocation, and stores an output above the inline threshold there, answering with
 * the reference. Whatever it holds counts against a {@link ByteBudget}: an input is
 * fetched only once its bytes are reserved, and an output counts from the moment it
 * arrives until it is stored.
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
		CompletableFuture<Payload> sized = (input.isStored() && !input.ref().isSizeKnown())
				? this.payloads.describe(input, this.maxSize) : CompletableFuture.completedFuture(input);
		CompletableFuture<Payload> output = Futures.recover(sized, (failure) -> Futures.failed(inputFailure(failure)))
			.thenCompose((known) -> {
				if (known.size() > this.maxSize) {
					return Futures.failed(permanent("InputTooLarge", "The input is " + known.size()
							+ " bytes; a job's input may be " + this.maxSize + " bytes at most"));
				}
				return known.isStored() ? invokeStored(known, accept) : this.delegate.invoke(known, accept);
			})
			.thenCompose(this::keep);
		return Futures.recover(output, (failure) -> Futures.failed(InferenceException.from(failure)));
	}

	private CompletableFuture<Payload> invokeStored(Payload input, String accept) {
		return this.budget.reserve(input.size()).thenCompose((grant) -> {
			CompletableFuture<Payload> invoked = Futures
				.recover(this.payloads.get(input, this.maxSize), (failure) -> Futures.failed(inputFailure(failure)))
				.thenCompose((fetched) -> this.delegate.invoke(fetched, accept));
			return invoked.whenComplete((answer, failure) -> grant.release());
		});
	}

	/** Refuses an output that is too large; stores one above the inline threshold. */
	private CompletableFuture<Payload> keep(Payload output) {
		if (output.size() > this.maxSize) {
			return Futures.failed(permanent("OutputTooLarge", "The model answered " + output.size()
					+ " bytes; a job's output may be " + this.maxSize + " bytes at most"));
		}
		if (output.isStored() || output.size() <= this.inlineThreshold) {
			return CompletableFuture.completedFuture(output);
		}
		ByteBudget.Grant held = this.budget.hold(output.size());
		return Futures.recover(this.payloads.put(output), (failure) -> {
			PayloadStoreException stored = asPayloadFailure(failure);
			logger.warn("An output of {} bytes could not be stored: {}", output.size(), stored.getMessage());
			return Futures
				.failed(new InferenceException(
						new JobError(stored.isPermanent() ? "OutputNotStored" : PayloadStoreException.UNAVAILABLE,
								"The output could not be stored: " + stored.getMessage()),
						!stored.isPermanent(), stored));
		}).whenComplete((stored, failure) -> held.release());
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
