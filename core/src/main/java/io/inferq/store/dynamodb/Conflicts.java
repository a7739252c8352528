package io.inferq.store.dynamodb;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.inferq.concurrent.Backoff;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.TransactionInProgressException;

/**
 * Which DynamoDB failures are worth another attempt of the same write. A batch's record
 * is written by every change of its jobs, so transactions on it conflict with one another
 * and with plain writes to it under load; DynamoDB cancels the loser, which did not
 * happen and can be tried again.
 */
final class Conflicts {

	/** Retries of writes that lost to a concurrent transaction on the same item. */
	static final Backoff BACKOFF = new Backoff(Duration.ofMillis(20), Duration.ofSeconds(1), 10);

	private static final Set<String> RETRYABLE_REASONS = Set.of("TransactionConflict", "ThrottlingError",
			"ProvisionedThroughputExceeded");

	private Conflicts() {
	}

	/**
	 * Whether {@code failure} means the write was not applied because of a concurrent
	 * transaction or throttling, and may simply be tried again.
	 */
	static boolean isRetryable(Throwable failure) {
		if (failure instanceof TransactionCanceledException cancelled) {
			List<CancellationReason> reasons = cancelled.hasCancellationReasons() ? cancelled.cancellationReasons()
					: List.of();
			return reasons.stream().anyMatch((reason) -> RETRYABLE_REASONS.contains(reason.code()))
					&& reasons.stream().noneMatch((reason) -> "ConditionalCheckFailed".equals(reason.code()));
		}
		return failure instanceof TransactionConflictException || failure instanceof TransactionInProgressException
				|| failure instanceof ProvisionedThroughputExceededException
				|| failure instanceof RequestLimitExceededException;
	}

	/** The reason DynamoDB gave for cancelling item {@code index}, or {@code null}. */
	static CancellationReason reason(TransactionCanceledException cancelled, int index) {
		return (cancelled.hasCancellationReasons() && cancelled.cancellationReasons().size() > index)
				? cancelled.cancellationReasons().get(index) : null;
	}

	/** Whether item {@code index} of a cancelled transaction failed its condition. */
	static boolean failedCondition(TransactionCanceledException cancelled, int index) {
		CancellationReason reason = reason(cancelled, index);
		return reason != null && "ConditionalCheckFailed".equals(reason.code());
	}

}
