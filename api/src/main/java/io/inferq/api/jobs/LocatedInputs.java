package io.inferq.api.jobs;

import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.concurrent.Futures;
import io.inferq.payload.PayloadStore;

import org.springframework.stereotype.Component;

/**
 * Looks at the object an {@code inputLocation} names before its job is accepted
 * ({@code HeadObject}): it must be where clients may point, exist, and fit the input
 * limit. The object is read by reference when the job runs, and never deleted.
 */
@Component
public class LocatedInputs {

	private final PayloadStore payloads;

	private final ApiProperties properties;

	LocatedInputs(PayloadStore payloads, ApiProperties properties) {
		this.payloads = payloads;
		this.properties = properties;
	}

	/**
	 * The submission with its located input's size known; fails with the problem the
	 * client should see. Other submissions are returned as they are.
	 */
	public CompletableFuture<JobSubmission> describe(JobSubmission submission) {
		if (!submission.input().isStored() || submission.input().ref().isSizeKnown()) {
			return CompletableFuture.completedFuture(submission);
		}
		long max = this.properties.maxInputSize().toBytes();
		return Futures.recover(
				this.payloads.describe(submission.input(), max)
					.thenApply((input) -> new JobSubmission(input, submission.accept(), submission.metadata(),
							submission.timeToStart(), submission.callback())),
				(failure) -> Futures.failed(PayloadFailures.problem(failure, max, this.properties)));
	}

}
