package io.inferq.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.batch.BatchId;
import io.inferq.job.Job;
import io.inferq.job.JobId;

/**
 * The marks of events owed but not yet queued. The job store writes a job's mark in the
 * same conditional write as its outcome (a job that owes events: {@link EventScope});
 * whoever queues the event then {@link #clear clears} the mark, and a sweeper re-queues
 * what stayed marked too long ({@link #owed}), so an event is never lost, only sent
 * again. Non-blocking, never throws: failures complete the future exceptionally.
 */
public interface WebhookOutbox {

	/**
	 * The jobs marked before {@code before}, oldest first per shard, at most
	 * {@code limit}; eventually consistent (a mark just cleared may still be listed).
	 */
	CompletableFuture<List<JobId>> owed(Instant before, int limit);

	/**
	 * Removes the job's mark if it is still the one its outcome set; does nothing if the
	 * mark is gone already.
	 */
	CompletableFuture<Void> clear(Job job);

	/**
	 * Claims the sending of a completed batch's event for {@code claimant}: several jobs
	 * of the batch may ask for a look at it after its end ({@link #batchMayHaveEnded}),
	 * and each look would send the event; only the claimant sends it (and may retry).
	 * Completes with whether {@code claimant} holds the claim: it is the first to ask, or
	 * asked before. The claim is per destination kind: one for the receiver's URL, one
	 * for the operator's topics ({@link WebhookMessage#TOPICS}).
	 * @param destination where the event goes: a receiver's URL or
	 * {@link WebhookMessage#TOPICS}
	 * @param claimant stable across retries of one attempt to send, such as a queue
	 * message's ID
	 */
	CompletableFuture<Boolean> claimBatchEvent(BatchId batch, URI destination, String claimant);

	/**
	 * Whether every job of the batch may have ended, from its record alone (one read):
	 * {@code false} if it is still in progress (or cancelled) with jobs left, or gone, or
	 * FAILED; {@code true} if it completed, or all its jobs ended, or it is still
	 * ENQUEUEING (whose end only a look at its counts can tell). Read after a job's
	 * outcome was stored, {@code false} means that write did not end the batch: a later
	 * job's end will look at it, so that a batch of {@code n} jobs is not looked at
	 * {@code n} times.
	 */
	CompletableFuture<Boolean> batchMayHaveEnded(BatchId batch);

}
