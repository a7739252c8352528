package io.inferq.worker.inference;

import java.nio.ByteBuffer;
import java.util.Optional;

import io.inferq.concurrent.Futures;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Holds a successful response's body in the connection until the invocation's
 * {@link OutputGate} admits its {@code Content-Length}: the SDK reads the body only once
 * it subscribes, and the subscription waits for the gate. A gate that refuses cancels the
 * body unread and fails the invocation with the gate's failure. Requests without a gate
 * ({@link #GATE}) pass untouched.
 */
public final class OutputGateInterceptor implements ExecutionInterceptor {

	/** The gate of one invocation, set on its request. */
	public static final ExecutionAttribute<OutputGate> GATE = new ExecutionAttribute<>("inferq.outputGate");

	@Override
	public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(Context.ModifyHttpResponse context,
			ExecutionAttributes attributes) {
		OutputGate gate = attributes.getAttribute(GATE);
		Optional<Publisher<ByteBuffer>> body = context.responsePublisher();
		if (gate == null || body.isEmpty() || !context.httpResponse().isSuccessful()) {
			return body;
		}
		long length = context.httpResponse()
			.firstMatchingHeader("Content-Length")
			.map(OutputGateInterceptor::parse)
			.orElse(-1L);
		Publisher<ByteBuffer> upstream = body.get();
		return Optional.of((subscriber) -> gate.admit(length).whenComplete((admitted, failure) -> {
			if (failure == null) {
				upstream.subscribe(subscriber);
				return;
			}
			upstream.subscribe(new Cancelling());
			subscriber.onSubscribe(new Nothing());
			subscriber.onError(Futures.unwrap(failure));
		}));
	}

	private static long parse(String length) {
		try {
			return Long.parseLong(length.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** Drops a body unread. */
	private static final class Cancelling implements Subscriber<ByteBuffer> {

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.cancel();
		}

		@Override
		public void onNext(ByteBuffer buffer) {
		}

		@Override
		public void onError(Throwable failure) {
		}

		@Override
		public void onComplete() {
		}

	}

	/** A subscription with nothing to give. */
	private static final class Nothing implements Subscription {

		@Override
		public void request(long n) {
		}

		@Override
		public void cancel() {
		}

	}

}
