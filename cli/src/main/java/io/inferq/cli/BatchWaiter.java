package io.inferq.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferq.cli.Batch.Counts;

/**
 * Follows batches until every one has ended ({@link Batch#hasEnded()}: its status final
 * and, for a cancelled batch, every job of it ended too), showing the counts of their
 * jobs. A batch that has ended is not asked again: its last answer is its end state.
 */
final class BatchWaiter {

	/** The most batches followed by their progress streams at once. */
	static final int MAX_STREAMS = 16;

	private static final Duration STREAM_RENDER = Duration.ofMillis(500);

	private final BatchesClient client;

	private final Duration pollInterval;

	private final Progress progress;

	BatchWaiter(BatchesClient client, Duration pollInterval, Progress progress) {
		this.client = client;
		this.pollInterval = pollInterval;
		this.progress = progress;
	}

	/**
	 * Waits for the batches to finish, following each one's progress stream (up to
	 * {@value #MAX_STREAMS} batches; beyond, and for any whose stream fails, polling it),
	 * and reads each finished batch once more for its final state.
	 * @param batchIds the batches, in order
	 * @return their last state, in the same order
	 */
	List<Batch> await(List<String> batchIds) throws InterruptedException {
		Map<String, Batch> latest = new LinkedHashMap<>();
		batchIds.forEach((id) -> latest.put(id, null));
		boolean started = false;
		boolean streamed = batchIds.size() <= MAX_STREAMS;
		try (ProgressEvents events = new ProgressEvents(this.client)) {
			if (streamed) {
				batchIds.forEach(events::follow);
			}
			while (true) {
				double rate = 0;
				Instant completion = null;
				boolean polled = false;
				for (Map.Entry<String, Batch> entry : latest.entrySet()) {
					if (entry.getValue() != null && entry.getValue().hasEnded()) {
						continue;
					}
					ProgressEvents.Latest event = streamed ? events.latest(entry.getKey()) : null;
					if (event != null && !event.failed() && !event.ended()) {
						entry.setValue(event.batch());
						rate += event.ratePerSecond();
						completion = later(completion, event.estimatedCompletionAt());
					}
					else {
						// Its first state, the end its stream announced, or a poll.
						entry.setValue(BatchesClient.await(this.client.get(entry.getKey())));
						polled = event == null || event.failed();
					}
				}
				Counts counts = Counts.NONE;
				long total = 0;
				int finished = 0;
				for (Batch batch : latest.values()) {
					counts = counts.plus(batch.counts());
					total += batch.total();
					finished += batch.hasEnded() ? 1 : 0;
				}
				if (!started) {
					this.progress.startWait(total);
					started = true;
				}
				if (streamed && rate > 0) {
					this.progress.waited(counts, finished, latest.size(), rate, completion);
				}
				else {
					this.progress.waited(counts, finished, latest.size());
				}
				if (finished == latest.size()) {
					this.progress.finish();
					return new ArrayList<>(latest.values());
				}
				Thread.sleep(polled ? this.pollInterval.toMillis() : STREAM_RENDER.toMillis());
			}
		}
	}

	private static Instant later(Instant a, Instant b) {
		return (a == null) ? b : (b == null || a.isAfter(b)) ? a : b;
	}

}
