package io.inferq.webhook;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import io.inferq.batch.Batch;
import io.inferq.job.Job;
import tools.jackson.databind.JsonNode;
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

	private static final String JOB_PREFIX = "evt_job_";

	private static final String BATCH_PREFIX = "evt_batch_";

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
		return of(job, true);
	}

	/**
	 * The event of a job that ended as the operator's topics get it: its ID, tenant,
	 * status, times, attempts and error type; not the client's metadata nor the error's
	 * message (which may quote a model's answer), nor its output.
	 * @throws IllegalArgumentException if the job has not ended
	 */
	public static WebhookEvent forTopics(Job job) {
		return of(job, false);
	}

	private static WebhookEvent of(Job job, boolean forClient) {
		if (!job.isTerminal()) {
			throw new IllegalArgumentException("Job " + job.id() + " is " + job.status() + ": it owes no event yet");
		}
		String type = "job." + job.status().name().toLowerCase(Locale.ROOT);
		ObjectNode data = json.createObjectNode();
		data.put("id", job.id().value());
		if (!forClient) {
			data.put("tenant", job.tenant().value());
		}
		data.put("status", job.status().name());
		data.put("createdAt", job.createdAt().toString());
		if (job.startedAt() != null) {
			data.put("startedAt", job.startedAt().toString());
		}
		data.put("finishedAt", job.finishedAt().toString());
		data.put("attempts", job.attempts());
		if (job.error() != null && forClient) {
			data.putObject("error").put("type", job.error().type()).put("message", job.error().message());
		}
		else if (job.error() != null) {
			data.putObject("error").put("type", job.error().type());
		}
		if (!job.metadata().isEmpty() && forClient) {
			ObjectNode metadata = data.putObject("metadata");
			job.metadata().forEach(metadata::put);
		}
		data.put("href", "/v1/jobs/" + job.id().value());
		return new WebhookEvent(JOB_PREFIX + job.id().value(), type, envelope(type, job.finishedAt(), data));
	}

	/**
	 * The event of a batch all of whose jobs have ended: its status (COMPLETED, or
	 * CANCELLED if a client cancelled it) and its counts.
	 */
	public static WebhookEvent of(Batch batch, Instant now) {
		return of(batch, now, true);
	}

	/**
	 * The event of a completed batch as the operator's topics get it: its ID, tenant,
	 * status and counts; not the client's metadata.
	 */
	public static WebhookEvent forTopics(Batch batch, Instant now) {
		return of(batch, now, false);
	}

	private static WebhookEvent of(Batch batch, Instant now, boolean forClient) {
		String type = "batch.completed";
		ObjectNode data = json.createObjectNode();
		data.put("id", batch.id().value());
		if (!forClient) {
			data.put("tenant", batch.tenant().value());
		}
		data.put("status", batch.status().name());
		data.put("total", batch.total());
		ObjectNode counts = data.putObject("counts");
		counts.put("succeeded", batch.counts().succeeded());
		counts.put("failed", batch.counts().failed());
		counts.put("cancelled", batch.counts().cancelled());
		counts.put("expired", batch.counts().expired());
		if (!batch.metadata().isEmpty() && forClient) {
			ObjectNode metadata = data.putObject("metadata");
			batch.metadata().forEach(metadata::put);
		}
		data.put("href", "/v1/batches/" + batch.id().value());
		return new WebhookEvent(BATCH_PREFIX + batch.id().value(), type, envelope(type, now, data));
	}

	/**
	 * Whether the event reports a success: {@code job.succeeded}, or a
	 * {@code batch.completed} whose every job succeeded.
	 */
	public boolean reportsSuccess() {
		if (this.type.equals("job.succeeded")) {
			return true;
		}
		if (!this.type.equals("batch.completed")) {
			return false;
		}
		JsonNode data = json.readTree(this.body).path("data");
		return data.path("total").asLong(-1) == data.path("counts").path("succeeded").asLong(-2);
	}

	/** The job's ID ({@code evt_job_<id>}), or {@code null} for a batch's event. */
	public String jobId() {
		return this.id.startsWith(JOB_PREFIX) ? this.id.substring(JOB_PREFIX.length()) : null;
	}

	/** The batch's ID ({@code evt_batch_<id>}), or {@code null} for a job's event. */
	public String batchId() {
		return this.id.startsWith(BATCH_PREFIX) ? this.id.substring(BATCH_PREFIX.length()) : null;
	}

	private static String envelope(String type, Instant at, ObjectNode data) {
		ObjectNode body = json.createObjectNode();
		body.put("type", type);
		body.put("timestamp", at.toString());
		body.set("data", data);
		return json.writeValueAsString(body);
	}

}
