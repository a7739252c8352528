package io.inferq.worker.concurrency;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The waiters of one lane, by tenant, served by weight: stride scheduling, so that with
 * two tenants waiting, one of weight 2 and one of weight 1, permits go to them two to
 * one, interleaved, and a tenant with a long backlog never keeps another's first job
 * waiting behind all of it. Within a tenant, first come first served. Not thread-safe:
 * the limiter holds its lock.
 *
 * @param <T> what waits
 */
final class TenantQueue<T> {

	/** One tenant's waiters and how far it has been served, in units of 1 / weight. */
	private static final class Waiting<T> {

		final Deque<T> waiters = new ArrayDeque<>();

		double pass;

	}

	private final Map<String, Waiting<T>> tenants = new HashMap<>();

	private final ToDoubleFunction<String> weights;

	private int size;

	/** The pass of the tenant served last: where a tenant that starts waiting joins. */
	private double now;

	/**
	 * @param weights each tenant's weight, above 0 (1 for an equal share)
	 */
	TenantQueue(ToDoubleFunction<String> weights) {
		this.weights = weights;
	}

	void add(String tenant, T waiter) {
		Waiting<T> waiting = this.tenants.computeIfAbsent(tenant, (name) -> new Waiting<>());
		if (waiting.waiters.isEmpty()) {
			// A tenant that was not waiting neither saved up turns nor owes any.
			waiting.pass = Math.max(waiting.pass, this.now);
		}
		waiting.waiters.add(waiter);
		this.size++;
	}

	/** The next waiter by weight, or {@code null} if none waits. */
	T poll() {
		String next = null;
		Waiting<T> chosen = null;
		for (Map.Entry<String, Waiting<T>> tenant : this.tenants.entrySet()) {
			Waiting<T> waiting = tenant.getValue();
			if (!waiting.waiters.isEmpty() && (chosen == null || waiting.pass < chosen.pass
					|| (waiting.pass == chosen.pass && tenant.getKey().compareTo(next) < 0))) {
				next = tenant.getKey();
				chosen = waiting;
			}
		}
		if (chosen == null) {
			return null;
		}
		this.now = chosen.pass;
		chosen.pass += 1.0 / Math.max(this.weights.applyAsDouble(next), Double.MIN_NORMAL);
		this.size--;
		T waiter = chosen.waiters.poll();
		// Tenants that wait no more and are not ahead of the others need no memory.
		this.tenants.values().removeIf((waiting) -> waiting.waiters.isEmpty() && waiting.pass <= this.now);
		return waiter;
	}

	boolean isEmpty() {
		return this.size == 0;
	}

	int size() {
		return this.size;
	}

}
