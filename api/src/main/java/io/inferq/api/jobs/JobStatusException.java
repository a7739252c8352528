package io.inferq.api.jobs;

import java.time.Duration;

import io.inferq.api.web.RetryAfter;
import io.inferq.job.Job;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * A request the job's status does not allow: 409 while it may still change, 410 when the
 * result will never exist. The problem carries the job's {@code jobStatus} and, if it has
 * one, its {@code error}.
 */
class JobStatusException extends ErrorResponseException {

	private JobStatusException(HttpStatus status, String title, Job job, String detail) {
		super(status, Problems.of(status, title, detail), null);
		getBody().setProperty("jobId", job.id().value());
		getBody().setProperty("jobStatus", job.status());
		if (job.error() != null) {
			getBody().setProperty("error", job.error());
		}
	}

	static JobStatusException notCancellable(Job job) {
		return new JobStatusException(HttpStatus.CONFLICT, "Job not cancellable", job,
				"Job " + job.id() + " is " + job.status() + " already; only QUEUED or RUNNING jobs can be cancelled");
	}

	static JobStatusException resultNotReady(Job job, Duration retryAfter) {
		JobStatusException exception = new JobStatusException(HttpStatus.CONFLICT, "Result not ready", job,
				"Job " + job.id() + " is " + job.status() + "; poll GET /v1/jobs/" + job.id()
						+ " and fetch the result once it has SUCCEEDED");
		exception.getHeaders().set(HttpHeaders.RETRY_AFTER, RetryAfter.seconds(retryAfter));
		return exception;
	}

	static JobStatusException noResult(Job job) {
		return new JobStatusException(HttpStatus.GONE, "No result", job, "Job " + job.id() + " is " + job.status()
				+ " and will never have a result" + ((job.error() != null) ? ": " + job.error().message() : ""));
	}

}
