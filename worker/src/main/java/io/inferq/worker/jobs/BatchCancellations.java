package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.store.BatchStore;

/**
 * Whether a batch was cancelled, so that its jobs are cancelled instead of started. A
 * batch is looked up at most once per {@code freshness} per worker, however many of its
 * jobs come by: cancelling a batch of 100,000 jobs is one write, and its jobs then end
 * CANCELLED as the workers reach them, at most {@code freshness} late.
 */
class BatchCancellations {

	private static final long MAX_BATCHES = 10_000;

	private final Function<BatchId, CompletableFuture<Optional<Batch>>> batches;

	private final AsyncCache<BatchId, Boolean> cancelled;

	/**
	 * @param batches how to look a batch up, such as {@link BatchStore#find}
	 * @param freshness how long a look-up is trusted
	 */
	BatchCancellations(Function<BatchId, CompletableFuture<Optional<Batch>>> batches, Duration freshness) {
		this.batches = batches;
		this.cancelled = Caffeine.newBuilder().expireAfterWrite(freshness).maximumSize(MAX_BATCHES).buildAsync();
	}

	/**
	 * Whether {@code id} was cancelled (or failed while being enqueued), as of at most
	 * the freshness ago; a batch that does not exist (any more) counts as not cancelled.
	 * A failed look-up is not remembered.
	 */
	CompletableFuture<Boolean> isCancelled(BatchId id) {
		return this.cancelled.get(id, (batchId, executor) -> this.batches.apply(batchId)
			.thenApply((batch) -> batch.map(Batch::isCancelled).orElse(false)));
	}

}
