package io.inferq.infra.sagemaker;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides which invocations fail on purpose: those whose {@link Trigger} asks for an
 * error (the first {@code times} of them per key, if limited), otherwise a random share
 * per error type. Thread-safe.
 */
final class FaultInjector {

	private final Map<SageMakerError, Double> rates;

	private final ConcurrentMap<String, AtomicInteger> triggered = new ConcurrentHashMap<>();

	FaultInjector(Map<SageMakerError, Double> rates) {
		this.rates = rates.isEmpty() ? Map.of() : new EnumMap<>(rates);
	}

	/** The fault to answer {@code invocation} with, or {@code null} to serve it. */
	InvocationException faultFor(Invocation invocation) {
		Trigger trigger = invocation.trigger();
		if (trigger != null && trigger.error() != null) {
			boolean fail = trigger.times() == null
					|| this.triggered.computeIfAbsent(trigger.counterKey(), (key) -> new AtomicInteger())
						.getAndIncrement() < trigger.times();
			return fail ? trigger.fault() : null;
		}
		return randomFault();
	}

	private InvocationException randomFault() {
		if (this.rates.isEmpty()) {
			return null;
		}
		double draw = ThreadLocalRandom.current().nextDouble();
		double cumulative = 0;
		for (Map.Entry<SageMakerError, Double> rate : this.rates.entrySet()) {
			cumulative += rate.getValue();
			if (draw < cumulative) {
				return (rate.getKey() == SageMakerError.MODEL_ERROR)
						? InvocationException.modelError(500, "Injected model error")
						: new InvocationException(rate.getKey(), null);
			}
		}
		return null;
	}

}
