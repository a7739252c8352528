package io.inferq.cli;

import java.util.List;
import java.util.Locale;

/**
 * The line that ends a wait for batches ({@code enqueue --wait}, {@code results --wait}),
 * and its exit code: 0 if every job succeeded, else {@link Inferq#JOBS_FAILED}.
 */
final class EndSummary {

	private EndSummary() {
	}

	/**
	 * Shows {@code Done: N jobs, S succeeded, ...} of the ended batches on
	 * {@code progress}.
	 */
	static int report(List<Batch> batches, Progress progress) {
		Batch.Counts counts = batches.stream().map(Batch::counts).reduce(Batch.Counts.NONE, Batch.Counts::plus);
		long total = batches.stream().mapToLong(Batch::total).sum();
		progress.message(
				String.format(Locale.ROOT, "Done: %,d jobs, %,d succeeded, %,d failed, %,d cancelled, %,d expired.",
						total, counts.succeeded(), counts.failed(), counts.cancelled(), counts.expired()));
		return (counts.succeeded() == total) ? 0 : Inferq.JOBS_FAILED;
	}

}
