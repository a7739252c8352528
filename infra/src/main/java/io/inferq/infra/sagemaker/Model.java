package io.inferq.infra.sagemaker;

import reactor.core.publisher.Mono;

/**
 * What serves an invocation on one instance: the built-in model or a real model
 * container.
 */
interface Model {

	/**
	 * Answers {@code invocation} on instance {@code instance}, without blocking. A model
	 * that fails signals an {@link InvocationException}; cancelling the result abandons
	 * the invocation.
	 */
	Mono<ModelResponse> invoke(Invocation invocation, int instance);

}
