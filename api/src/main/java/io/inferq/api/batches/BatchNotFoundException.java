package io.inferq.api.batches;

import io.inferq.api.jobs.Problems;
import io.inferq.batch.BatchId;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * No batch has the requested ID (404), either because none was stored under it or because
 * it is not a well-formed batch ID at all.
 */
class BatchNotFoundException extends ErrorResponseException {

	private BatchNotFoundException(String detail) {
		super(HttpStatus.NOT_FOUND, Problems.of(HttpStatus.NOT_FOUND, "Batch not found", detail), null);
	}

	static BatchNotFoundException unknown(BatchId id) {
		return new BatchNotFoundException(
				"No batch has the ID " + id + "; batches are deleted some days after their jobs' deadline");
	}

	static BatchNotFoundException malformed() {
		return new BatchNotFoundException("No batch has this ID: batch IDs are 8 to 48 characters of A-Z, a-z, "
				+ "0-9, '_' or '-', as returned by POST /v1/batches");
	}

}
