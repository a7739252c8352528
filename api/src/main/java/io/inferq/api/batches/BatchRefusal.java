package io.inferq.api.batches;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.inferq.api.config.ApiProperties;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyRecord;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.StaleBatchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * The one way out of an ingest that did not end with its batch accepted, whatever stopped
 * it (a bad item, a batch too large, a client that went away, DynamoDB or SQS failing, a
 * cancel): the batch ends FAILED, unless it ended otherwise meanwhile; the jobs the
 * ingest wrote are deleted; its idempotency key is released. A refused request leaves
 * nothing but the batch's record of why, with no jobs and counts of zero.
 * <p>
 * Why a clean-up rather than jobs that only become visible once the batch is accepted:
 * the ingest stores jobs as the body streams in (a batch may hold a million items, more
 * than memory holds until its end), and making them visible later would mean writing
 * every job twice. So a refusal first waits until the ingest's writes in flight have
 * landed, then fails the batch (workers cancel, never run, a job of a FAILED batch whose
 * message went out), then deletes its jobs. Should the deletes fail too (DynamoDB down),
 * what is left stays out of sight: the API shows no job of a batch that was never
 * accepted, the next request with the same idempotency key discards them again, and
 * DynamoDB's TTL removes them in the end.
 * <p>
 * Runs on the request's thread and never throws: each step is waited for a bounded time
 * and its failure logged.
 */
@Component
class BatchRefusal {

	private static final Logger logger = LoggerFactory.getLogger(BatchRefusal.class);

	private final BatchStore batches;

	private final IdempotencyStore idempotency;

	private final Clock clock;

	private final ApiProperties properties;

	BatchRefusal(BatchStore batches, IdempotencyStore idempotency, Clock clock, ApiProperties properties) {
		this.batches = batches;
		this.idempotency = idempotency;
		this.clock = clock;
		this.properties = properties;
	}

	/**
	 * Fails the batch for {@code reason}, deletes the jobs {@code ingest} wrote and
	 * releases {@code claim} (if any).
	 */
	void refuse(Batch batch, BatchIngest ingest, IdempotencyRecord claim, JobError reason) {
		BatchId id = batch.id();
		logger.info("Batch {} refused: {}", id, reason.message());
		if (!ingest.settle()) {
			logger.warn("Batch {}: writes of its ingest were still in flight after {}; removing what landed", id,
					BatchIngest.SLOT_TIMEOUT);
		}
		CompletableFuture<Void> failed = this.batches.fail(id, reason, this.clock.instant(), false)
			.handle((done, failure) -> {
				Throwable cause = (failure != null) ? Futures.unwrap(failure) : null;
				if (cause != null && !(cause instanceof StaleBatchException)) {
					logger.warn("Batch {} could not be marked FAILED; it will be once its lease lapses: {}", id,
							cause.toString());
				}
				return null;
			});
		await(failed.thenCompose((done) -> discard(id, ingest.jobsWritten())), id, "be cleaned up");
		release(claim);
	}

	/**
	 * Discards what an ingest that was never accepted may have left, for a new request
	 * with its idempotency key: at most its counted jobs and the chunks it had in flight.
	 */
	void discardLeftovers(Batch batch) {
		ApiProperties.Batches limits = this.properties.batches();
		long inFlight = (long) limits.parallelism() * limits.chunkSize();
		await(discard(batch.id(), batch.total() + inFlight), batch.id(), "have its leftovers discarded");
	}

	/** Releases {@code claim} (if any), so that the key may be used again. */
	void release(IdempotencyRecord claim) {
		if (claim != null) {
			await(this.idempotency.release(claim).thenApply((released) -> null), new BatchId(claim.resourceId()),
					"release its idempotency key");
		}
	}

	private CompletableFuture<Void> discard(BatchId id, long jobs) {
		return this.batches.discard(id, jobs).handle((done, failure) -> {
			Throwable cause = (failure != null) ? Futures.unwrap(failure) : null;
			if (cause instanceof StaleBatchException stale) {
				logger.warn("Batch {}: its jobs are left as they are: {}", id, stale.getMessage());
			}
			else if (cause != null) {
				logger.warn("Batch {}: its jobs could not all be deleted; they stay hidden: {}", id, cause.toString());
			}
			else {
				logger.debug("Batch {}: up to {} jobs deleted", id, jobs);
			}
			return null;
		});
	}

	private void await(CompletableFuture<Void> step, BatchId id, String what) {
		Duration timeout = this.properties.awsCallTimeout().multipliedBy(4);
		try {
			step.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			logger.warn("Batch {} could not {}: {}", id, what, Futures.unwrap(ex).toString());
		}
		catch (TimeoutException ex) {
			logger.warn("Batch {} could not {} within {}", id, what, timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
