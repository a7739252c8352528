package io.inferq.api.jobs;

import io.inferq.api.eta.JobEstimate;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.inferq.job.Job;
import io.inferq.job.JobAttempt;
import io.inferq.job.JobError;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;

/**
 * A job as clients see it. The output is embedded as JSON when the model answered with
 * well-formed JSON, and given in base64 otherwise; an output too large to embed is given
 * by its size and URL instead. {@code outputContentType} is the model's content type
 * every way.
 *
 * @param id the job's ID
 * @param status where the job is in its life
 * @param createdAt when the job was accepted
 * @param startedAt when the current or last attempt started
 * @param finishedAt when the job ended
 * @param deadline the job expires if not started by then
 * @param attempts how many attempts have started
 * @param output the model's JSON answer
 * @param outputBase64 the model's answer in base64, when it is not JSON
 * @param outputContentType the media type of the model's answer
 * @param outputSize the size of an answer too large to embed, in bytes
 * @param outputUrl where an answer too large to embed is served ({@code GET}, streamed)
 * @param error why the job failed, or why its last attempt failed while it waits for a
 * retry
 * @param metadata the client's key-value pairs
 * @param batchId the batch the job was enqueued with, if any
 * @param customId the client's ID of the job's item in its batch, if any
 * @param timeline the job's attempts, oldest first (the last {@value Job#MAX_HISTORY}):
 * when each started, and when and how it ended; empty before the first attempt
 * @param estimatedStartAt while QUEUED, when a worker is expected to start it (see the
 * README's "Honest ETAs"); absent when nothing is known
 * @param estimatedFinishAt while QUEUED or RUNNING, when it is expected to end
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResponse(String id, JobStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
		Instant deadline, int attempts, @JsonRawValue String output, String outputBase64, String outputContentType,
		Long outputSize, String outputUrl, JobError error, Map<String, String> metadata, String batchId,
		String customId, List<Attempt> timeline, Instant estimatedStartAt, Instant estimatedFinishAt) {

	/** Where the result of job {@code id} is served. */
	public static String resultUrl(String id) {
		return JobController.PATH + "/" + id + "/result";
	}

	/** The job as clients see it. */
	public static JobResponse of(Job job) {
		Payload output = job.output();
		boolean stored = output != null && output.isStored();
		Optional<String> json = (output != null && !stored && output.isJson()) ? StrictJson.text(output.bytes())
				: Optional.empty();
		String base64 = (output != null && !stored && json.isEmpty())
				? Base64.getEncoder().encodeToString(output.bytes()) : null;
		return new JobResponse(job.id().value(), job.status(), job.createdAt(), job.startedAt(), job.finishedAt(),
				job.deadline(), job.attempts(), json.orElse(null), base64,
				(output != null) ? output.contentType() : null, stored ? output.size() : null,
				stored ? resultUrl(job.id().value()) : null, job.error(), job.metadata(),
				job.isInBatch() ? job.batch().batchId().value() : null, job.isInBatch() ? job.batch().customId() : null,
				job.history().stream().map(Attempt::of).toList(), null, null);
	}

	/** This with an estimate of when the job starts (if still QUEUED) and ends. */
	public JobResponse withEstimate(JobEstimate estimate) {
		return new JobResponse(this.id, this.status, this.createdAt, this.startedAt, this.finishedAt, this.deadline,
				this.attempts, this.output, this.outputBase64, this.outputContentType, this.outputSize, this.outputUrl,
				this.error, this.metadata, this.batchId, this.customId, this.timeline,
				(this.status == JobStatus.QUEUED) ? estimate.startAt() : null, estimate.finishAt());
	}

	/**
	 * One attempt of a job.
	 *
	 * @param attempt its number, 1 for the first; an attempt the endpoint never served
	 * ({@code UNSERVED}) does not count, and the next one has its number
	 * @param startedAt when it started
	 * @param endedAt when it ended; absent while it runs
	 * @param outcome {@code SUCCEEDED}, {@code FAILED}, {@code RETRIED},
	 * {@code UNSERVED}, {@code CANCELLED} or {@code ABANDONED} (its worker lost the job's
	 * lease); absent while it runs
	 * @param error why it failed, if it did
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Attempt(int attempt, Instant startedAt, Instant endedAt, JobAttempt.Outcome outcome, JobError error) {

		static Attempt of(JobAttempt attempt) {
			return new Attempt(attempt.attempt(), attempt.startedAt(), attempt.endedAt(), attempt.outcome(),
					attempt.error());
		}

	}

}
