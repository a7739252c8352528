package io.inferq.worker.concurrency;

import java.util.concurrent.CompletableFuture;

/**
 * Caps the requests this worker has outstanding at the SageMaker endpoint, without
 * blocking a thread: {@link #acquire(Lane)} completes with a {@link Permit} once one is
 * free to the lane.
 * <p>
 * The caller ends every permit with exactly one outcome, as Netflix concurrency-limits'
 * {@code Limiter.Listener} does: {@link Permit#onSuccess()} when the endpoint answered
 * (whatever it answered), {@link Permit#onDropped()} when it refused the request for
 * overload, {@link Permit#onIgnore()} when the request was never sent. Each releases the
 * permit; only the first call counts. Adaptive strategies learn from the outcomes.
 */
public interface Limiter {

	/** The tenant of work that names none. */
	String DEFAULT_TENANT = "default";

	/**
	 * A permit for work of {@code tenant}, now if one is free to {@code lane}, otherwise
	 * once one is; the tenants waiting in a lane share its permits by weight.
	 */
	CompletableFuture<Permit> acquire(Lane lane, String tenant);

	/** A permit for work of the default tenant. */
	default CompletableFuture<Permit> acquire(Lane lane) {
		return acquire(lane, DEFAULT_TENANT);
	}

	/**
	 * The right to have one request outstanding at the endpoint.
	 */
	interface Permit {

		/** The lane the permit was granted to. */
		Lane lane();

		/**
		 * Whether the request may still be sent: this worker still holds its share of the
		 * endpoint. Check it right before sending; a permit that is no longer valid ends
		 * with {@link #onIgnore()}.
		 */
		boolean isValid();

		/** The endpoint answered: with output, or with an error that is not overload. */
		void onSuccess();

		/**
		 * The endpoint refused the request for overload (throttling, a model not ready,
		 * 429, 503): the limit is too high.
		 */
		void onDropped();

		/** The request was never sent. */
		void onIgnore();

	}

}
