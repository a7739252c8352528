package io.inferq.infra.sagemaker;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How the invocations of one endpoint ended. Thread-safe; cheap on the hot path.
 */
final class InvocationCounters {

	private final LongAdder received = new LongAdder();

	private final LongAdder succeeded = new LongAdder();

	private final LongAdder timeouts = new LongAdder();

	private final LongAdder rejections = new LongAdder();

	private final ConcurrentMap<SageMakerError, LongAdder> errors = new ConcurrentHashMap<>();

	void received() {
		this.received.increment();
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

	void reset() {
		this.received.reset();
		this.succeeded.reset();
		this.timeouts.reset();
		this.rejections.reset();
		this.errors.clear();
	}

	EndpointStats stats(String endpointName, InstancePool.Occupancy occupancy, int concurrency) {
		Map<String, Long> errorsByCode = new TreeMap<>();
		this.errors.forEach((error, count) -> errorsByCode.put(error.code(), count.sum()));
		return new EndpointStats(endpointName, occupancy.instanceCount(), concurrency, this.received.sum(),
				this.succeeded.sum(), occupancy.inFlight(), occupancy.maxInFlight(), occupancy.waiting(),
				this.timeouts.sum(), this.rejections.sum(), errorsByCode, occupancy.firstStartedAt(),
				occupancy.lastEndedAt(), occupancy.utilisation(), occupancy.lastStartedAt(),
				occupancy.utilisationWhileStarting(), occupancy.instances());
	}

}
