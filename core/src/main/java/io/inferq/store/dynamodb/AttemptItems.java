package io.inferq.store.dynamodb;

import java.util.List;
import java.util.Map;

import io.inferq.job.JobAttempt;
import io.inferq.job.JobError;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps a job's attempt history to a DynamoDB list of maps and back: each attempt as
 * {@code n} (its number), {@code startedAt}, and once ended {@code endedAt},
 * {@code outcome} and, if it failed, {@code errorType} and {@code errorMessage}.
 */
final class AttemptItems {

	private static final String NUMBER = "n";

	private static final String STARTED_AT = "startedAt";

	private static final String ENDED_AT = "endedAt";

	private static final String OUTCOME = "outcome";

	private static final String ERROR_TYPE = "errorType";

	private static final String ERROR_MESSAGE = "errorMessage";

	private AttemptItems() {
	}

	static AttributeValue toList(List<JobAttempt> history) {
		return AttributeValue.fromL(history.stream().map(AttemptItems::toMap).toList());
	}

	private static AttributeValue toMap(JobAttempt attempt) {
		Map<String, AttributeValue> map = new java.util.HashMap<>();
		map.put(NUMBER, JobItems.n(attempt.attempt()));
		map.put(STARTED_AT, JobItems.instant(attempt.startedAt()));
		if (attempt.endedAt() != null) {
			map.put(ENDED_AT, JobItems.instant(attempt.endedAt()));
			map.put(OUTCOME, JobItems.s(attempt.outcome().name()));
		}
		if (attempt.error() != null) {
			map.put(ERROR_TYPE, JobItems.s(attempt.error().type()));
			if (attempt.error().message() != null) {
				map.put(ERROR_MESSAGE, JobItems.s(attempt.error().message()));
			}
		}
		return AttributeValue.fromM(map);
	}

	/**
	 * The history in {@code list}; none if the item has none (stored before histories).
	 */
	static List<JobAttempt> fromList(AttributeValue list) {
		if (list == null || !list.hasL()) {
			return List.of();
		}
		return list.l().stream().map(AttributeValue::m).map(AttemptItems::fromMap).toList();
	}

	private static JobAttempt fromMap(Map<String, AttributeValue> map) {
		String outcome = JobItems.string(map, OUTCOME);
		String errorType = JobItems.string(map, ERROR_TYPE);
		return new JobAttempt(Integer.parseInt(map.get(NUMBER).n()), JobItems.instant(map, STARTED_AT),
				JobItems.instant(map, ENDED_AT), (outcome != null) ? JobAttempt.Outcome.valueOf(outcome) : null,
				(errorType != null) ? new JobError(errorType, JobItems.string(map, ERROR_MESSAGE)) : null);
	}

}
