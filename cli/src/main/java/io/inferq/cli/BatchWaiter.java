package io.inferq.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferq.cli.Batch.Counts;

/**
 * Polls batches until every one has ended ({@link Batch#hasEnded()}: its status final
 * and, for a cancelled batch, every job of it ended too), showing the counts of their
 * jobs. A batch that has ended is not asked again: its last answer is its end state.
 */
final class BatchWaiter {

	private final BatchesClient client;

	private final Duration pollInterval;

	private final Progress progress;

	BatchWaiter(BatchesClient client, Duration pollInterval, Progress progress) {
		this.client = client;
		this.pollInterval = pollInterval;
		this.progress = progress;
	}

	/**
	 * Waits for the batches to end.
	 * @param batchIds the batches, in order
	 * @return their end states, in the same order
	 */
	List<Batch> await(List<String> batchIds) throws InterruptedException {
		Map<String, Batch> latest = new LinkedHashMap<>();
		batchIds.forEach((id) -> latest.put(id, null));
		boolean started = false;
		while (true) {
			for (Map.Entry<String, Batch> entry : latest.entrySet()) {
				if (entry.getValue() == null || !entry.getValue().hasEnded()) {
					entry.setValue(BatchesClient.await(this.client.get(entry.getKey())));
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
			this.progress.waited(counts, finished, latest.size());
			if (finished == latest.size()) {
				this.progress.finish();
				return new ArrayList<>(latest.values());
			}
			Thread.sleep(this.pollInterval.toMillis());
		}
	}

}
