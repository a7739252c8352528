package io.inferq.api.batches;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import io.inferq.batch.Batch;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.JobStore;
import io.inferq.store.StaleJobException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Cancels the QUEUED jobs of a batch this process just cancelled, in the background, so
 * that a large batch's counts settle (and it ends, with its {@code batch.completed}
 * event) in about the time its jobs take to write, instead of at the pace workers reach
 * its messages: they cancel a job of a cancelled batch when its message comes, which for
 * a deep bulk lane behind a small endpoint was 10-25 jobs a second.
 * <p>
 * The jobs are read {@value #READ_SIZE} at a time ({@code BatchGetItem}, their IDs derive
 * from the batch's) and each QUEUED one is cancelled with the same conditional write as
 * {@code DELETE /v1/jobs/{id}} (which counts it on the batch), {@value #WRITES_IN_FLIGHT}
 * at a time. A job that changed meanwhile (a worker started or cancelled it) is left
 * alone; a store failure ends the sweep, and the workers cancel the rest as before. At
 * most {@value #MAX_SWEEPS} sweeps run per process; beyond that, only the workers do.
 * Non-blocking: it runs on the store's futures.
 */
@Component
class BatchCancelSweep {

	/** How many jobs one read asks DynamoDB for: {@code BatchGetItem}'s limit. */
	static final int READ_SIZE = 100;

	/** How many cancels one sweep has in flight. */
	static final int WRITES_IN_FLIGHT = 10;

	/** How many sweeps one process runs at once. */
	static final int MAX_SWEEPS = 4;

	private static final Logger logger = LoggerFactory.getLogger(BatchCancelSweep.class);

	private final JobStore jobs;

	private final Clock clock;

	private final Semaphore sweeps = new Semaphore(MAX_SWEEPS);

	BatchCancelSweep(JobStore jobs, Clock clock) {
		this.jobs = jobs;
		this.clock = clock;
	}

	/**
	 * Starts cancelling the QUEUED jobs of {@code batch} (CANCELLED, with its final
	 * total); returns at once. Does nothing if {@value #MAX_SWEEPS} sweeps run already.
	 * @return the sweep, which completes with the number of jobs it cancelled, and never
	 * fails
	 */
	CompletableFuture<Long> start(Batch batch) {
		if (!this.sweeps.tryAcquire()) {
			logger.info("Batch {}: {} cancel sweeps run already; workers cancel its jobs as they reach them",
					batch.id(), MAX_SWEEPS);
			return CompletableFuture.completedFuture(0L);
		}
		AtomicLong cancelled = new AtomicLong();
		long started = System.nanoTime();
		CompletableFuture<Void> sweep;
		try {
			sweep = sweep(batch, 0, cancelled);
		}
		catch (RuntimeException ex) {
			sweep = CompletableFuture.failedFuture(ex);
		}
		return sweep.handle((done, failure) -> {
			this.sweeps.release();
			long millis = (System.nanoTime() - started) / 1_000_000;
			if (failure != null) {
				logger.warn("Batch {}: the cancel sweep stopped after {} jobs in {} ms; workers cancel the rest: {}",
						batch.id(), cancelled.get(), millis, Futures.unwrap(failure).toString());
			}
			else {
				logger.info("Batch {}: {} queued jobs cancelled in {} ms", batch.id(), cancelled.get(), millis);
			}
			return cancelled.get();
		});
	}

	private CompletableFuture<Void> sweep(Batch batch, long from, AtomicLong cancelled) {
		if (from >= batch.total()) {
			return CompletableFuture.completedFuture(null);
		}
		List<JobId> ids = LongStream.range(from, Math.min(batch.total(), from + READ_SIZE))
			.mapToObj(batch.id()::jobId)
			.toList();
		return this.jobs.findAll(ids)
			.thenCompose((found) -> cancelAll(
					found.values().stream().filter((job) -> job.status() == JobStatus.QUEUED).toList(), 0, cancelled))
			.thenCompose((done) -> sweep(batch, from + READ_SIZE, cancelled));
	}

	private CompletableFuture<Void> cancelAll(List<Job> queued, int from, AtomicLong cancelled) {
		if (from >= queued.size()) {
			return CompletableFuture.completedFuture(null);
		}
		List<CompletableFuture<Void>> writes = new ArrayList<>(WRITES_IN_FLIGHT);
		for (Job job : queued.subList(from, Math.min(queued.size(), from + WRITES_IN_FLIGHT))) {
			writes.add(Futures.recover(this.jobs.update(job.cancel(this.clock.instant())).thenApply((stored) -> {
				cancelled.incrementAndGet();
				return (Void) null;
			}), (failure) -> (failure instanceof StaleJobException) ? CompletableFuture.completedFuture(null)
					: Futures.failed(failure)));
		}
		return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
			.thenCompose((done) -> cancelAll(queued, from + WRITES_IN_FLIGHT, cancelled));
	}

}
