package io.inferq.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferq.cli.Batch.Counts;

/**
 * Polls batches until every one is finished ({@code COMPLETED}, {@code CANCELLED} or
 * {@code FAILED}), showing the counts of their jobs. A finished batch is not asked again.
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
	 * Waits for the batches to finish.
	 * @param batchIds the batches, in order
	 * @return their last state, in the same order
	 */
	List<Batch> await(List<String> batchIds) throws InterruptedException {
		Map<String, Batch> latest = new LinkedHashMap<>();
		batchIds.forEach((id) -> latest.put(id, null));
		boolean started = false;
		while (true) {
			for (Map.Entry<String, Batch> entry : latest.entrySet()) {
				if (entry.getValue() == null || !entry.getValue().isFinished()) {
					entry.setValue(BatchesClient.await(this.client.get(entry.getKey())));
				}
			}
			Counts counts = Counts.NONE;
			long total = 0;
			int finished = 0;
			for (Batch batch : latest.values()) {
				counts = counts.plus(batch.counts());
				total += batch.total();
				finished += batch.isFinished() ? 1 : 0;
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
