package io.inferq.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.inferq.api.jobs.JobResponse;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobStatus;

/**
 * One line of a batch's results export: a job's outcome, under its item's customId. The
 * output is embedded as JSON when the model answered with well-formed JSON, and given in
 * base64 otherwise, as in {@code GET /v1/jobs/{id}}.
 *
 * @param customId the client's ID of the item
 * @param jobId the job's ID
 * @param status the job's status
 * @param output the model's JSON answer
 * @param outputBase64 the model's answer in base64, when it is not JSON
 * @param outputContentType the media type of the model's answer
 * @param error why the job failed, or why its last attempt failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ResultLine(String customId, String jobId, JobStatus status, @JsonRawValue String output, String outputBase64,
		String outputContentType, JobError error) {

	static ResultLine of(Job job) {
		JobResponse response = JobResponse.of(job);
		return new ResultLine(job.batch().customId(), response.id(), response.status(), response.output(),
				response.outputBase64(), response.outputContentType(), response.error());
	}

}
