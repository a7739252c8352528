package io.inferq.cli;

import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * A batch as the API shows it: {@code GET /v1/batches/{id}}.
 *
 * @param id the batch ID
 * @param status {@code ENQUEUEING}, {@code IN_PROGRESS}, {@code COMPLETED},
 * {@code CANCELLED} or {@code FAILED}
 * @param total the number of jobs in the batch
 * @param counts the number of jobs in each status
 * @param json the whole answer, for printing
 */
record Batch(String id, String status, long total, Counts counts, JsonNode json) {

	private static final Set<String> FINAL_STATUSES = Set.of("COMPLETED", "CANCELLED", "FAILED");

	static Batch of(JsonNode json) {
		JsonNode counts = json.path("counts");
		return new Batch(json.path("id").asString(), json.path("status").asString(), json.path("total").asLong(),
				new Counts(counts.path("queued").asLong(), counts.path("running").asLong(),
						counts.path("succeeded").asLong(), counts.path("failed").asLong(),
						counts.path("cancelled").asLong(), counts.path("expired").asLong()),
				json);
	}

	/** Whether the batch will not change any more. */
	boolean isFinished() {
		return FINAL_STATUSES.contains(this.status);
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
