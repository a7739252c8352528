package io.inferq.cli;

import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * A batch as the API shows it: {@code GET /v1/batches/{id}}.
 * <p>
 * A batch's status can be final before its jobs are: a CANCELLED batch is cancelled in
 * one write, and its jobs end CANCELLED (or, if running, as they finish) as the workers
 * reach them, the counts following. Only {@link #hasEnded()} says that nothing about the
 * batch, its counts or its results will change any more.
 *
 * @param id the batch ID
 * @param status {@code ENQUEUEING}, {@code IN_PROGRESS}, {@code COMPLETED},
 * {@code CANCELLED} or {@code FAILED}
 * @param total the number of jobs in the batch
 * @param counts the number of jobs in each status
 * @param accepted whether every item became a queued job ({@code enqueuedAt} is set):
 * only then are its jobs run and exported; a batch cancelled or failed while being
 * enqueued is not
 * @param json the whole answer, for printing
 */
record Batch(String id, String status, long total, Counts counts, boolean accepted, JsonNode json) {

	private static final Set<String> FINAL_STATUSES = Set.of("COMPLETED", "CANCELLED", "FAILED");

	/** The statuses of a job that has ended. */
	static final Set<String> ENDED_JOB_STATUSES = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED");

	static Batch of(JsonNode json) {
		JsonNode counts = json.path("counts");
		return new Batch(json.path("id").asString(), json.path("status").asString(), json.path("total").asLong(),
				new Counts(counts.path("queued").asLong(), counts.path("running").asLong(),
						counts.path("succeeded").asLong(), counts.path("failed").asLong(),
						counts.path("cancelled").asLong(), counts.path("expired").asLong()),
				json.hasNonNull("enqueuedAt"), json);
	}

	/**
	 * Whether the batch will not change any more: its status is final and, if it was
	 * accepted, every one of its jobs has ended. A batch never accepted ends with its
	 * status: none of its jobs runs, and it has no results.
	 */
	boolean hasEnded() {
		return FINAL_STATUSES.contains(this.status) && (!this.accepted || this.counts.finished() >= this.total);
	}

	/** How many lines its results have once it has ended: none unless it was accepted. */
	long resultLines() {
		return this.accepted ? this.total : 0;
	}

	/**
	 * Where it stands, for a person: "IN_PROGRESS, 480 queued, 4 running, 16 of 500 jobs
	 * ended".
	 */
	String describe() {
		return String.format(Locale.ROOT, "%s, %,d queued, %,d running, %,d of %,d jobs ended", this.status,
				this.counts.queued(), this.counts.running(), this.counts.finished(), this.total);
	}

	/**
	 * The number of jobs in each status.
	 *
	 * @param queued waiting for a worker
	 * @param running being processed
	 * @param succeeded finished with an output
	 * @param failed finished with an error
	 * @param cancelled cancelled before they ran
	 * @param expired dropped after their deadline
	 */
	record Counts(long queued, long running, long succeeded, long failed, long cancelled, long expired) {

		static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

		/** The jobs that will not change any more. */
		long finished() {
			return this.succeeded + this.failed + this.cancelled + this.expired;
		}

		Counts plus(Counts other) {
			return new Counts(this.queued + other.queued, this.running + other.running,
					this.succeeded + other.succeeded, this.failed + other.failed, this.cancelled + other.cancelled,
					this.expired + other.expired);
		}

	}

}
