package io.inferq.webhook;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import io.inferq.batch.Batch;
import io.inferq.job.Job;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One event, as a receiver gets it: its body is the Standard Webhooks envelope
 * {@code {"type", "timestamp", "data"}}. The {@code id} is the same for every delivery of
 * the event (a job ends once, a batch completes once), so receivers drop duplicates by
 * it.
 *
 * @param id the {@code webhook-id}: {@code evt_job_<jobId>} or
 * {@code evt_batch_<batchId>}
 * @param type {@code job.succeeded}, {@code job.failed}, {@code job.cancelled},
 * {@code job.expired} or {@code batch.completed}
 * @param body the JSON body, exactly as signed and sent
 */
public record WebhookEvent(String id, String type, String body) {

	private static final JsonMapper json = JsonMapper.builder().build();

	public WebhookEvent {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(body, "body");
	}

	/**
	 * The event of a job that ended: its ID, status, times, attempts, error and the
	 * client's metadata; not its output, which the receiver reads from {@code GET
	 * /v1/jobs/{id}} (outputs may be megabytes).
	 * @throws IllegalArgumentException if the job has not ended
	 */
	public static WebhookEvent of(Job job) {
		if (!job.isTerminal()) {
			throw new IllegalArgumentException("Job " + job.id() + " is " + job.status() + ": it owes no event yet");
		}
		String type = "job." + job.status().name().toLowerCase(Locale.ROOT);
		ObjectNode data = json.createObjectNode();
		data.put("id", job.id().value());
		data.put("status", job.status().name());
		data.put("createdAt", job.createdAt().toString());
		if (job.startedAt() != null) {
			data.put("startedAt", job.startedAt().toString());
		}
		data.put("finishedAt", job.finishedAt().toString());
		data.put("attempts", job.attempts());
		if (job.error() != null) {
			data.putObject("error").put("type", job.error().type()).put("message", job.error().message());
		}
		if (!job.metadata().isEmpty()) {
			ObjectNode metadata = data.putObject("metadata");
			job.metadata().forEach(metadata::put);
		}
		data.put("href", "/v1/jobs/" + job.id().value());
		return new WebhookEvent("evt_job_" + job.id().value(), type, envelope(type, job.finishedAt(), data));
	}

	/**
	 * The event of a batch all of whose jobs have ended: its status (COMPLETED, or
	 * CANCELLED if a client cancelled it) and its counts.
	 */
	public static WebhookEvent of(Batch batch, Instant now) {
		String type = "batch.completed";
		ObjectNode data = json.createObjectNode();
		data.put("id", batch.id().value());
		data.put("status", batch.status().name());
		data.put("total", batch.total());
		ObjectNode counts = data.putObject("counts");
		counts.put("succeeded", batch.counts().succeeded());
		counts.put("failed", batch.counts().failed());
		counts.put("cancelled", batch.counts().cancelled());
		counts.put("expired", batch.counts().expired());
		if (!batch.metadata().isEmpty()) {
			ObjectNode metadata = data.putObject("metadata");
			batch.metadata().forEach(metadata::put);
		}
		data.put("href", "/v1/batches/" + batch.id().value());
		return new WebhookEvent("evt_batch_" + batch.id().value(), type, envelope(type, now, data));
	}

	private static String envelope(String type, Instant at, ObjectNode data) {
		ObjectNode body = json.createObjectNode();
		body.put("type", type);
		body.put("timestamp", at.toString());
		body.set("data", data);
		return json.writeValueAsString(body);
	}

}
