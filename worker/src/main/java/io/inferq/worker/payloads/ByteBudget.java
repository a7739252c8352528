package io.inferq.worker.payloads;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many payload bytes the worker may hold at once: an asynchronous semaphore counted
 * in bytes. {@link #reserve} waits, without a thread, until the bytes are free; grants
 * come in the order they were asked for, so a large payload is not starved by small ones.
 * {@link #hold} counts bytes that are in memory already (the model's output) at once,
 * even beyond the budget, so that reservations wait until they are gone.
 * <p>
 * Every grant must be released exactly once, whatever happened; releasing it again does
 * nothing.
 */
public final class ByteBudget {

	private final long capacity;

	private final Deque<Waiter> waiters = new ArrayDeque<>();

	private long available;

	/**
	 * @param capacity the most bytes held at once
	 */
	public ByteBudget(long capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("A byte budget must be positive, not " + capacity);
		}
		this.capacity = capacity;
		this.available = capacity;
	}

	/**
	 * Reserves {@code bytes}, at most the whole budget (a payload larger than the budget
	 * waits until it is alone); completes once they are free.
	 */
	CompletableFuture<Grant> reserve(long bytes) {
		long wanted = Math.min(Math.max(bytes, 0), this.capacity);
		synchronized (this) {
			if (this.waiters.isEmpty() && this.available >= wanted) {
				this.available -= wanted;
				return CompletableFuture.completedFuture(new Grant(wanted));
			}
			Waiter waiter = new Waiter(wanted, new CompletableFuture<>());
			this.waiters.add(waiter);
			return waiter.granted();
		}
	}

	/** Counts {@code bytes} already held, at once, even beyond the budget. */
	Grant hold(long bytes) {
		long held = Math.max(bytes, 0);
		synchronized (this) {
			this.available -= held;
		}
		return new Grant(held);
	}

	/** Bytes held now (may exceed the capacity while outputs are held). */
	public synchronized long held() {
		return this.capacity - this.available;
	}

	/** Reservations waiting for bytes. */
	public synchronized int waiting() {
		return this.waiters.size();
	}

	private void release(long bytes) {
		Deque<Waiter> granted = new ArrayDeque<>();
		synchronized (this) {
			this.available += bytes;
			while (!this.waiters.isEmpty() && this.available >= this.waiters.peek().bytes()) {
				Waiter next = this.waiters.poll();
				this.available -= next.bytes();
				granted.add(next);
			}
		}
		// Completed outside the lock: what runs next may reserve or release again.
		granted.forEach((waiter) -> waiter.granted().complete(new Grant(waiter.bytes())));
	}

	/** Bytes granted, given back by {@link #release()}. */
	final class Grant {

		private final long bytes;

		private final AtomicBoolean released = new AtomicBoolean();

		private Grant(long bytes) {
			this.bytes = bytes;
		}

		/** Gives the bytes back; once. */
		void release() {
			if (this.released.compareAndSet(false, true)) {
				ByteBudget.this.release(this.bytes);
			}
		}

	}

	private record Waiter(long bytes, CompletableFuture<Grant> granted) {

	}

}
