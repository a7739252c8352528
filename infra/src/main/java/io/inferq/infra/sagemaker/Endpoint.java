package io.inferq.infra.sagemaker;

import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One emulated endpoint at run time: its instances, its model, the faults it injects and
 * what it has done.
 * <p>
 * An invocation first meets the fault injector: injected errors other than
 * {@code ModelError} are answered at once, like SageMaker's front end would. It then
 * waits for a slot on an instance (or is throttled at once with {@code rejectWhenBusy}),
 * runs the model there (an injected {@code ModelError} runs the model and fails after),
 * and releases the slot whatever happened. Waiting and running together are bounded by
 * the model timeout. When the caller goes away, the invocation is abandoned at once
 * (waiting given up, slot released), unless the endpoint keeps running after a
 * disconnect: then it goes on to its end, unseen.
 */
final class Endpoint {

	private static final Logger logger = LoggerFactory.getLogger(Endpoint.class);

	private final EndpointSpec spec;

	private final Model model;

	private final InstancePool pool;

	private final FaultInjector faults;

	private final InvocationCounters counters = new InvocationCounters();

	private final Instant createdAt = Instant.now();

	private volatile Instant lastModifiedAt = this.createdAt;

	private volatile double weight = 1.0;

	Endpoint(EndpointSpec spec, Model model) {
		this.spec = spec;
		this.model = model;
		this.pool = new InstancePool(spec.instanceCount(), spec.servedInstances(), spec.concurrencyPerInstance());
		this.faults = new FaultInjector(spec.errorRates());
	}

	/**
	 * Serves one InvokeEndpoint request: runs the invocation, then writes its answer with
	 * {@code answer}, or its failure with {@code answerFailure}. The request counts as
	 * received and outstanding from the subscription until the returned {@code Mono} ends
	 * (answer written, or cancelled because the caller went away) and the invocation is
	 * over, its instance slot released.
	 */
	Mono<Void> serve(Invocation invocation, Function<ModelResponse, Mono<Void>> answer,
			Function<InvocationException, Mono<Void>> answerFailure) {
		return Mono.defer(() -> {
			InvocationCounters.Received received = this.counters.received();
			Mono<ModelResponse> invoked = invoke(invocation).doFinally((signal) -> received.invocationOver());
			return (this.spec.keepRunningAfterDisconnect() ? detached(invoked) : invoked).flatMap(answer)
				.onErrorResume(InvocationException.class, answerFailure)
				.doFinally((signal) -> received.exchangeOver());
		});
	}

	/**
	 * Runs {@code invocation} to its end whatever happens to the caller: cancelling the
	 * result only stops waiting for it.
	 */
	private static Mono<ModelResponse> detached(Mono<ModelResponse> invocation) {
		return Mono.fromFuture(invocation.toFuture(), true);
	}

	/** Runs one invocation; fails only with {@link InvocationException}. */
	private Mono<ModelResponse> invoke(Invocation invocation) {
		return Mono.defer(() -> {
			InvocationException fault = this.faults.faultFor(invocation);
			if (fault != null && fault.error() != SageMakerError.MODEL_ERROR) {
				return Mono.error(fault);
			}
			Mono<ModelResponse> served = lease().flatMap(
					(lease) -> this.model.invoke(invocation, lease.instance()).doFinally((signal) -> lease.release()));
			return (fault != null) ? served.then(Mono.error(fault)) : served;
		}).timeout(this.spec.modelTimeout()).onErrorMap(TimeoutException.class, (timeout) -> {
			this.counters.timedOut();
			return InvocationException.timedOut();
		}).onErrorMap((failure) -> !(failure instanceof InvocationException), (failure) -> {
			logger.error("Invocation of endpoint {} failed unexpectedly", name(), failure);
			return new InvocationException(SageMakerError.INTERNAL_FAILURE, null);
		})
			.doOnSuccess((response) -> this.counters.succeeded())
			.doOnError(InvocationException.class, (failure) -> this.counters.failed(failure.error()));
	}

	private Mono<InstancePool.Lease> lease() {
		if (this.spec.rejectWhenBusy()) {
			return Mono.defer(() -> this.pool.tryAcquire().map(Mono::just).orElseGet(() -> {
				this.counters.rejected();
				return Mono.error(new InvocationException(SageMakerError.THROTTLING_EXCEPTION,
						"All instances of endpoint " + name() + " are busy"));
			}));
		}
		// A lease granted just as the wait is cancelled is discarded: give it back.
		return Mono.fromFuture(this.pool::acquire).doOnDiscard(InstancePool.Lease.class, InstancePool.Lease::release);
	}

	/**
	 * Changes the instance count and/or weight, as UpdateEndpointWeightsAndCapacities
	 * does; {@code null} leaves a value as it is.
	 */
	void update(Integer instanceCount, Double newWeight) {
		if (instanceCount != null) {
			this.pool.resize(instanceCount);
		}
		if (newWeight != null) {
			this.weight = newWeight;
		}
		this.lastModifiedAt = Instant.now();
	}

	EndpointStats stats() {
		return this.counters.stats(name(), this.pool.occupancy(), this.pool.concurrency());
	}

	void resetStats() {
		this.counters.reset();
		this.pool.resetOccupancy();
	}

	String name() {
		return this.spec.name();
	}

	/** The spec with the instance count as it is now. */
	EndpointSpec spec() {
		return this.spec.toBuilder().instances(instanceCount()).build();
	}

	int instanceCount() {
		return this.pool.instanceCount();
	}

	double weight() {
		return this.weight;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	Instant lastModifiedAt() {
		return this.lastModifiedAt;
	}

}
