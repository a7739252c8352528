package io.inferq.api.jobs;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.inferq.concurrent.Futures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;

/**
 * Counts submits: {@value #SUBMITTED} for jobs accepted, {@value #REJECTED} tagged with
 * the HTTP status for requests that did not become a queued job.
 */
@Component
class SubmissionMetrics {

	static final String SUBMITTED = "inferq.jobs.submitted";

	static final String REJECTED = "inferq.jobs.rejected";

	private final MeterRegistry registry;

	private final Counter submitted;

	SubmissionMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.submitted = Counter.builder(SUBMITTED).description("Jobs accepted and queued").register(registry);
	}

	/** Runs a submit and counts its outcome, whether it throws or fails later. */
	<T> CompletableFuture<T> record(Supplier<CompletableFuture<T>> submit) {
		CompletableFuture<T> submitted;
		try {
			submitted = submit.get();
		}
		catch (RuntimeException ex) {
			submitted = Futures.failed(ex);
		}
		return submitted.whenComplete((job, failure) -> {
			if (failure == null) {
				this.submitted.increment();
			}
			else {
				rejected(Futures.unwrap(failure)).increment();
			}
		});
	}

	private Counter rejected(Throwable failure) {
		int status = (failure instanceof ErrorResponse response) ? response.getStatusCode().value() : 500;
		return Counter.builder(REJECTED)
			.description("Submit requests that did not become a queued job")
			.tag("status", Integer.toString(status))
			.register(this.registry);
	}

}
