package io.inferq.api.jobs;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.Payload;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.PayloadStoreException;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.stereotype.Component;

/**
 * Reads the outputs jobs keep in the payload store: small ones (up to
 * {@code max-embedded-output}) are fetched to be embedded like inline ones; larger ones
 * stay references, which clients follow to {@code GET /v1/jobs/{id}/result}, streamed.
 */
@Component
public class Outputs {

	private final PayloadStore payloads;

	private final ApiProperties properties;

	Outputs(PayloadStore payloads, ApiProperties properties) {
		this.payloads = payloads;
		this.properties = properties;
	}

	/**
	 * The job with its output inline if it is stored and small enough to embed; otherwise
	 * the job as it is. Fails with 503 if the store cannot be read.
	 */
	public CompletableFuture<Job> embeddable(Job job) {
		Payload output = job.output();
		long max = this.properties.maxEmbeddedOutput().toBytes();
		if (output == null || !output.isStored() || output.size() > max) {
			return CompletableFuture.completedFuture(job);
		}
		return Futures.recover(this.payloads.get(output, max).thenApply(job::withOutput),
				(failure) -> Futures.failed(problem(job, failure)));
	}

	/** The bytes of a stored output, streamed; the caller closes the stream. */
	CompletableFuture<InputStream> open(Job job) {
		return Futures.recover(this.payloads.open(job.output()), (failure) -> Futures.failed(problem(job, failure)));
	}

	private ErrorResponseException problem(Job job, Throwable failure) {
		if (Futures.unwrap(failure) instanceof PayloadStoreException payload && payload.isPermanent()) {
			return new ErrorResponseException(HttpStatus.GONE, Problems.of(HttpStatus.GONE, "Output gone",
					"Job " + job.id() + "'s output can no longer be read: " + payload.getMessage()), payload);
		}
		return new ServiceUnavailableException("The payload store is unavailable; try again later",
				this.properties.unavailableRetryAfter(), failure);
	}

}
