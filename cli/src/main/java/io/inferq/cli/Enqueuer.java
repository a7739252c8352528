package io.inferq.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

import io.inferq.cli.BatchesClient.Submitted;

/**
 * Sends the chunks of a file as batches, at most {@code parallel} at a time, reading the
 * next chunk only when one of them is done: memory holds {@code parallel} chunks.
 * <p>
 * The first failure stops reading; the chunks already in flight finish, then the failure
 * is thrown: {@link RejectedLinesException} when the API refused a chunk (with the file
 * line it names, if any), {@link ApiUnavailableException} when it could not be reached.
 * Chunks accepted before stay accepted: sending the file again replays them.
 */
final class Enqueuer {

	private final BatchesClient client;

	private final int parallel;

	private final String runId;

	private final Progress progress;

	private IntConsumer acceptedListener = (accepted) -> {
	};

	Enqueuer(BatchesClient client, int parallel, String runId, Progress progress) {
		if (parallel < 1) {
			throw new IllegalArgumentException("At least one chunk must be in flight, not " + parallel);
		}
		this.client = client;
		this.parallel = parallel;
		this.runId = runId;
		this.progress = progress;
	}

	/** Tells {@code listener} how many chunks were accepted so far, after each one. */
	Enqueuer onAccepted(IntConsumer listener) {
		this.acceptedListener = listener;
		return this;
	}

	/**
	 * Sends every chunk and returns their batches in file order.
	 * @param maxChunks stop after this many chunks (a test hook);
	 * {@code Integer.MAX_VALUE} for all
	 */
	List<EnqueuedChunk> enqueue(ChunkReader chunks, int maxChunks) throws IOException, InterruptedException {
		Semaphore inFlight = new Semaphore(this.parallel);
		Map<Integer, EnqueuedChunk> enqueued = new TreeMap<>();
		AtomicReference<RuntimeException> failure = new AtomicReference<>();
		int sent = 0;
		try {
			while (sent < maxChunks && failure.get() == null && chunks.hasNext()) {
				Chunk chunk = chunks.next();
				inFlight.acquire();
				if (failure.get() != null) {
					inFlight.release();
					break;
				}
				sent++;
				this.client.submit(chunk, chunk.idempotencyKey(this.runId)).whenComplete((submitted, error) -> {
					try {
						if (error == null) {
							accepted(chunk, submitted, enqueued);
						}
						else {
							failure.compareAndSet(null, failed(chunk, error));
						}
					}
					finally {
						inFlight.release();
					}
				});
			}
		}
		finally {
			inFlight.acquire(this.parallel);
			inFlight.release(this.parallel);
		}
		if (failure.get() != null) {
			throw failure.get();
		}
		synchronized (enqueued) {
			return new ArrayList<>(enqueued.values());
		}
	}

	private void accepted(Chunk chunk, Submitted submitted, Map<Integer, EnqueuedChunk> enqueued) {
		int accepted;
		synchronized (enqueued) {
			enqueued.put(chunk.index(), new EnqueuedChunk(chunk.index(), chunk.firstFileLine(), chunk.lastFileLine(),
					chunk.size(), submitted.batch().id(), submitted.replayed()));
			accepted = enqueued.size();
		}
		this.progress.enqueued(chunk.size(), submitted.replayed());
		this.acceptedListener.accept(accepted);
	}

	private static RuntimeException failed(Chunk chunk, Throwable error) {
		Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
		if (cause instanceof ApiException api) {
			return RejectedLinesException.of(chunk, api);
		}
		if (cause instanceof RuntimeException runtime) {
			return runtime;
		}
		return new IllegalStateException(cause);
	}

	/**
	 * A chunk the API accepted.
	 *
	 * @param index the chunk's position in the file
	 * @param firstLine the file line of its first item
	 * @param lastLine the file line of its last item
	 * @param items how many items it holds
	 * @param batchId the batch it became
	 * @param replayed whether an earlier run had sent it already
	 */
	record EnqueuedChunk(int index, int firstLine, int lastLine, int items, String batchId, boolean replayed) {

	}

}
