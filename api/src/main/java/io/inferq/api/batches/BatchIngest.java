package io.inferq.api.batches;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.jobs.JobSubmission;
import io.inferq.api.jobs.LocatedInputs;
import io.inferq.api.quota.QueuedJobs;
import io.inferq.api.quota.QuotaExceededException;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.message.JobMessage;
import io.inferq.message.JobQueue;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;

/**
 * Enqueues the items of one batch, in two passes over bounded parallel work:
 * <ol>
 * <li>each item is read and checked, and becomes a QUEUED job; chunks of jobs are stored
 * ({@code BatchWriteItem}), a few chunks at a time;</li>
 * <li>once every item is stored, the batch counts them all in one write of its counters
 * ({@link BatchStore#addJobs}), and the jobs' IDs, which derive from the batch's, are
 * sent to the bulk queue ({@code SendMessageBatch}), a few calls at a time.</li>
 * </ol>
 * A job's message is sent only after every job and its count exist, and no message is
 * sent before the whole batch was read and checked: a batch refused for a bad item, or
 * abandoned by its client, never has a job run. What a refused ingest wrote is removed by
 * {@link BatchRefusal}, after {@link #settle()}, up to {@link #jobsWritten()}.
 * <p>
 * The calling thread (the request's) reads the body and waits for a free slot when all
 * are busy, which is how a fast client is slowed down to the pace of DynamoDB and SQS;
 * the stores' futures do the rest. Memory is bounded by {@code parallelism} chunks. While
 * it runs, the ingest renews the batch's lease.
 */
final class BatchIngest {

	/** How long a free slot is waited for before the ingest gives up. */
	static final Duration SLOT_TIMEOUT = Duration.ofSeconds(60);

	private static final Logger logger = LoggerFactory.getLogger(BatchIngest.class);

	private final Batch batch;

	private final JobStore jobs;

	private final BatchStore batches;

	private final JobQueue queue;

	private final Clock clock;

	private final ApiProperties.Batches limits;

	private final Semaphore slots;

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private final CustomIds customIds = new CustomIds();

	private final QueuedJobs queued;

	private Instant leaseRenewedAt;

	private long jobsWritten;

	private CompletableFuture<?> leaseRenewal = CompletableFuture.completedFuture(null);

	private final LocatedInputs locatedInputs;

	/** Where the batch's completion event goes; each job carries it. */
	private final URI callback;

	/**
	 * @param queued the tenant's queued jobs and their limit as the batch began: the
	 * batch may have as many items as there is room for
	 * @param callback where the batch's completion event goes, or {@code null}
	 */
	BatchIngest(Batch batch, JobStore jobs, BatchStore batches, JobQueue queue, Clock clock,
			ApiProperties.Batches limits, QueuedJobs queued, LocatedInputs locatedInputs, URI callback) {
		this.batch = batch;
		this.callback = callback;
		this.locatedInputs = locatedInputs;
		this.jobs = jobs;
		this.batches = batches;
		this.queue = queue;
		this.clock = clock;
		this.limits = limits;
		this.slots = new Semaphore(limits.parallelism());
		this.leaseRenewedAt = batch.createdAt();
		this.queued = queued;
	}

	/**
	 * Stores, counts and queues every item of {@code source}.
	 * @return how many jobs were enqueued
	 * @throws InvalidBatchException if an item is not valid, or there are none or too
	 * many
	 * @throws IOException if the body could not be read
	 * @throws QuotaExceededException if the items do not fit in the tenant's queued-jobs
	 * limit
	 * @throws IngestFailedException if a store, the queue or the lease failed
	 */
	long run(BatchItemSource source) throws IOException {
		long total = store(source);
		logger.debug("Batch {}: {} jobs stored; counting and queueing them", this.batch.id(), total);
		count(total);
		send(total);
		return total;
	}

	private long store(BatchItemSource source) throws IOException {
		BatchId id = this.batch.id();
		List<Job> chunk = new ArrayList<>(this.limits.chunkSize());
		long chunkBytes = 0;
		long seq = 0;
		for (BatchItemSource.Item item = source.next(); item != null; item = source.next()) {
			if (seq == this.limits.maxItems()) {
				throw InvalidBatchException.tooLarge("The batch has more than " + this.limits.maxItems()
						+ " items (line " + item.line() + "); split it into several batches");
			}
			if (seq == this.queued.remaining()) {
				throw QuotaExceededException.queuedJobs(null, this.queued, seq + 1);
			}
			if (!this.customIds.add(item.customId())) {
				throw InvalidBatchException.item(
						"customId is used by an earlier item; customIds are unique " + "within a batch", item.line(),
						"/customId");
			}
			JobSubmission submission = described(item);
			chunk.add(Job
				.submitInBatch(this.batch.tenant(), new BatchItem(id, seq, item.customId()), submission.input(),
						submission.accept(), submission.metadata(), this.clock.instant(), submission.timeToStart())
				.withCallback(this.callback));
			chunkBytes += submission.input().isStored() ? 0 : submission.input().size();
			seq++;
			if (chunk.size() == this.limits.chunkSize() || chunkBytes >= this.limits.chunkBytes().toBytes()) {
				storeChunk(chunk);
				chunk = new ArrayList<>(this.limits.chunkSize());
				chunkBytes = 0;
			}
		}
		if (seq == 0) {
			throw InvalidBatchException.of("The batch has no items; send at least one");
		}
		if (!chunk.isEmpty()) {
			storeChunk(chunk);
		}
		awaitAll();
		return seq;
	}

	/**
	 * The item's submission, with the object its {@code inputLocation} names looked at
	 * (on this thread: the item's line is refused if it is missing, refused or too
	 * large).
	 */
	private JobSubmission described(BatchItemSource.Item item) {
		try {
			return this.locatedInputs.describe(item.submission()).join();
		}
		catch (CompletionException ex) {
			if (Futures.unwrap(ex) instanceof ErrorResponse refused
					&& refused.getStatusCode().value() != HttpStatus.SERVICE_UNAVAILABLE.value()) {
				throw InvalidBatchException.item(refused, item.line());
			}
			throw new IngestFailedException("The payload store failed while the batch was read", Futures.unwrap(ex));
		}
	}

	private void storeChunk(List<Job> chunk) {
		this.jobsWritten += chunk.size();
		start(() -> this.jobs.createAll(chunk));
	}

	/** Counts every stored job in the batch, in one write of its counters. */
	private void count(long total) {
		start(() -> this.batches.addJobs(this.batch, 0, Math.toIntExact(total)));
		awaitAll();
	}

	private void send(long total) {
		int perCall = this.limits.chunkSize();
		for (long from = 0; from < total; from += perCall) {
			List<JobMessage> messages = LongStream.range(from, Math.min(total, from + perCall))
				.mapToObj((seq) -> JobMessage.ofBatchJob(this.batch.id().jobId(seq), this.batch.tenant()))
				.toList();
			start(() -> this.queue.sendAll(messages));
		}
		awaitAll();
	}

	/**
	 * How many jobs the ingest has given to the job store so far: the batch's jobs
	 * {@code 0} to {@code n - 1}, some of which may not have been stored (or not yet).
	 */
	long jobsWritten() {
		return this.jobsWritten;
	}

	/**
	 * Waits until the work the ingest started has ended, however it ended, so that no
	 * write of it lands after this returns (unless DynamoDB or SQS did not answer within
	 * {@link #SLOT_TIMEOUT}). For a refusal, before it removes what was written.
	 * @return whether everything ended in time
	 */
	boolean settle() {
		try {
			if (!this.slots.tryAcquire(this.limits.parallelism(), SLOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				return false;
			}
			this.slots.release(this.limits.parallelism());
			this.leaseRenewal.handle((done, failed) -> null).get(SLOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	/**
	 * Starts {@code work} in a free slot, once there is one; fails first if earlier work
	 * did.
	 */
	private void start(Supplier<CompletableFuture<?>> work) {
		acquire(1);
		try {
			throwIfFailed();
		}
		catch (RuntimeException ex) {
			this.slots.release();
			throw ex;
		}
		renewLeaseIfDue();
		CompletableFuture<?> started;
		try {
			started = work.get();
		}
		catch (RuntimeException ex) {
			started = Futures.failed(ex);
		}
		started.whenComplete((done, failed) -> {
			if (failed != null) {
				this.failure.compareAndSet(null, Futures.unwrap(failed));
			}
			this.slots.release();
		});
	}

	private void awaitAll() {
		acquire(this.limits.parallelism());
		this.slots.release(this.limits.parallelism());
		throwIfFailed();
		this.leaseRenewal.handle((done, failed) -> null).join();
		throwIfFailed();
	}

	private void acquire(int permits) {
		try {
			if (!this.slots.tryAcquire(permits, SLOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IngestFailedException("DynamoDB or SQS did not answer for " + SLOT_TIMEOUT, null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IngestFailedException("The ingest was interrupted", ex);
		}
	}

	private void throwIfFailed() {
		Throwable failed = this.failure.get();
		if (failed != null) {
			throw new IngestFailedException(failed.toString(), failed);
		}
	}

	/**
	 * Renews the lease once a third of it has passed, without waiting for the answer; a
	 * lost lease (the batch was cancelled or given up) fails the ingest at its next step.
	 */
	private void renewLeaseIfDue() {
		Instant now = this.clock.instant();
		Duration lease = this.limits.lease();
		if (Duration.between(this.leaseRenewedAt, now).compareTo(lease.dividedBy(3)) < 0
				|| !this.leaseRenewal.isDone()) {
			return;
		}
		this.leaseRenewedAt = now;
		this.leaseRenewal = this.batches.renewLease(this.batch.id(), now.plus(lease))
			.whenComplete((renewed, failed) -> {
				if (failed != null) {
					this.failure.compareAndSet(null, Futures.unwrap(failed));
				}
			});
	}

	/**
	 * A store, the queue or the lease failed while the batch was enqueued; the cause says
	 * which.
	 */
	static class IngestFailedException extends RuntimeException {

		IngestFailedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
