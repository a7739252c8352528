package io.inferq.infra.sagemaker;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the invocations of one endpoint did: how many were received, how they ended, and
 * how many are outstanding. Thread-safe; cheap on the hot path.
 */
final class InvocationCounters {

	private final LongAdder received = new LongAdder();

	private final LongAdder succeeded = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final LongAdder rejections = new LongAdder();

	private final ConcurrentMap<SageMakerError, LongAdder> errors = new ConcurrentHashMap<>();

	private int outstanding;

	private int maxOutstanding;

	/**
	 * Counts a request received. It is outstanding until both
	 * {@link Received#exchangeOver()} and {@link Received#invocationOver()} are called.
	 */
	Received received() {
		this.received.increment();
		synchronized (this) {
			this.outstanding++;
			this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
		}
		return new Received();
	}

	void succeeded() {
		this.succeeded.increment();
	}

	void timedOut() {
		this.timeouts.increment();
	}

	void rejected() {
		this.rejections.increment();
	}

	void failed(SageMakerError error) {
		this.errors.computeIfAbsent(error, (key) -> new LongAdder()).increment();
	}

	/** Starts afresh; requests outstanding now stay counted. */
	void reset() {
		this.received.reset();
		this.succeeded.reset();
		this.timeouts.reset();
		this.rejections.reset();
		this.errors.clear();
		synchronized (this) {
			this.maxOutstanding = this.outstanding;
		}
	}

	EndpointStats stats(String endpointName, InstancePool.Occupancy occupancy, int concurrency) {
		Map<String, Long> errorsByCode = new TreeMap<>();
		this.errors.forEach((error, count) -> errorsByCode.put(error.code(), count.sum()));
		int outstandingNow;
		int maxOutstandingNow;
		synchronized (this) {
			outstandingNow = this.outstanding;
			maxOutstandingNow = this.maxOutstanding;
		}
		return new EndpointStats(endpointName, occupancy.instanceCount(), occupancy.servedInstances(), concurrency,
				this.received.sum(), this.succeeded.sum(), outstandingNow, maxOutstandingNow, occupancy.inFlight(),
				occupancy.maxInFlight(), occupancy.waiting(), this.timeouts.sum(), this.rejections.sum(), errorsByCode,
				occupancy.firstStartedAt(), occupancy.lastEndedAt(), occupancy.utilisation(), occupancy.lastStartedAt(),
				occupancy.utilisationWhileStarting(), occupancy.instances());
	}

	private synchronized void finished() {
		this.outstanding--;
	}

	/**
	 * A request received, outstanding until its HTTP exchange is over (its answer
	 * written, or the caller gone) and its invocation is over (answered, failed or
	 * abandoned, its instance slot released). Each end counts once, in either order.
	 */
	final class Received {

		private static final int EXCHANGE = 1;

		private static final int INVOCATION = 2;

		private final AtomicInteger over = new AtomicInteger();

		private Received() {
		}

		void exchangeOver() {
			end(EXCHANGE);
		}

		void invocationOver() {
			end(INVOCATION);
		}

		private void end(int part) {
			int before = this.over.getAndUpdate((parts) -> parts | part);
			if ((before & part) == 0 && (before | part) == (EXCHANGE | INVOCATION)) {
				finished();
			}
		}

	}

}
