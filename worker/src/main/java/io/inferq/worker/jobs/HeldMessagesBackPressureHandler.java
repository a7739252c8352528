package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

import io.awspring.cloud.sqs.listener.backpressure.BatchAwareBackPressureHandler;

/**
 * Lets a lane's listener container receive a message only when this worker can start it
 * soon: while it holds (waiting or running) fewer messages than {@code allowance} says,
 * which follows this worker's share of the endpoint (see
 * {@code ClusterBudget#messagesWanted()}). Messages that cannot start soon stay in the
 * queue for workers that can.
 * <p>
 * Receives are kept full where that costs no waiting job anything: while room for less
 * than a full batch is free, a request waits up to {@code fillWait} for more, as long as
 * three quarters of the allowance or more are held (with the default prefetch, as many as
 * the worker's share, at least half a share is then received and waiting for an
 * instance). With 512 messages allowed, a receive then takes 10 messages instead of the
 * one whose slot just freed.
 * <p>
 * Called by the container's polling thread, which may block in {@link #request(int)} for
 * up to {@code maxWait} plus {@code fillWait}; {@link #allowanceChanged()} wakes it up.
 */
final class HeldMessagesBackPressureHandler implements BatchAwareBackPressureHandler {

	private final IntSupplier allowance;

	private final int batchSize;

	private final Duration maxWait;

	private final Duration fillWait;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private int held;

	/**
	 * @param allowance how many messages the lane may hold now
	 * @param batchSize the most messages one receive asks for
	 * @param maxWait how long one request waits for room before it answers 0
	 * @param fillWait how long a request with room for less than a batch waits for more
	 */
	HeldMessagesBackPressureHandler(IntSupplier allowance, int batchSize, Duration maxWait, Duration fillWait) {
		this.allowance = allowance;
		this.batchSize = batchSize;
		this.maxWait = maxWait;
		this.fillWait = fillWait;
	}

	@Override
	public int requestBatch() throws InterruptedException {
		return request(this.batchSize);
	}

	@Override
	public int request(int amount) throws InterruptedException {
		long nanos = this.maxWait.toNanos();
		this.lock.lock();
		try {
			int room;
			while ((room = this.allowance.getAsInt() - this.held) <= 0) {
				if (nanos <= 0) {
					return 0;
				}
				nanos = this.changed.awaitNanos(nanos);
			}
			long fill = this.fillWait.toNanos();
			while (room < amount && room < this.allowance.getAsInt() / 4 && fill > 0) {
				fill = this.changed.awaitNanos(fill);
				room = Math.max(room, this.allowance.getAsInt() - this.held);
			}
			int granted = Math.min(amount, room);
			this.held += granted;
			return granted;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void release(int amount, ReleaseReason reason) {
		this.lock.lock();
		try {
			this.held -= amount;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public boolean drain(Duration timeout) {
		long nanos = timeout.toNanos();
		this.lock.lock();
		try {
			while (this.held > 0) {
				if (nanos <= 0) {
					return false;
				}
				nanos = this.changed.awaitNanos(nanos);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The allowance may have changed: a waiting request looks again. */
	void allowanceChanged() {
		this.lock.lock();
		try {
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Messages held now. */
	int held() {
		this.lock.lock();
		try {
			return this.held;
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public int getBatchSize() {
		return this.batchSize;
	}

}
