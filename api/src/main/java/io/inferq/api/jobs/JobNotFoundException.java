package io.inferq.api.jobs;

import io.inferq.job.JobId;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * No job has the requested ID (404), either because none was stored under it or because
 * it is not a well-formed job ID at all.
 */
class JobNotFoundException extends ErrorResponseException {

	private JobNotFoundException(String detail) {
		super(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "Job not found", detail), null);
	}

	static JobNotFoundException unknown(JobId id) {
		return new JobNotFoundException(
				"No job has the ID " + id + "; finished jobs are deleted some days after they end");
	}

	static JobNotFoundException malformed() {
		return new JobNotFoundException("No job has this ID: job IDs are 8 to 64 characters of A-Z, a-z, 0-9, "
				+ "'_' or '-', as returned by POST /v1/jobs");
	}

}
