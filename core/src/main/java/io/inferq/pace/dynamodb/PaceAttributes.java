package io.inferq.pace.dynamodb;

import java.util.Map;

import io.inferq.pace.WorkerPace;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How a worker's pace is kept in its share of the budget record
 * ({@code budget#<endpoint>#<variant>}, written by the worker's budget store): a map
 * attribute {@value #PACE} of the share, with the four figures of {@link WorkerPace}.
 */
public final class PaceAttributes {

	/** The share's attribute holding its pace. */
	public static final String PACE = "pace";

	private static final String INTERACTIVE_RATE = "ir";

	private static final String INTERACTIVE_MILLIS = "im";

	private static final String BULK_RATE = "br";

	private static final String BULK_MILLIS = "bm";

	private PaceAttributes() {
	}

	/** The attribute value of {@code pace}. */
	public static AttributeValue of(WorkerPace pace) {
		return AttributeValue.fromM(Map.of(INTERACTIVE_RATE, n(pace.interactivePerSecond()), INTERACTIVE_MILLIS,
				n(pace.interactiveMillis()), BULK_RATE, n(pace.bulkPerSecond()), BULK_MILLIS, n(pace.bulkMillis())));
	}

	/** The pace a share holds, or {@link WorkerPace#NONE}. */
	public static WorkerPace from(Map<String, AttributeValue> share) {
		AttributeValue pace = share.get(PACE);
		if (pace == null || !pace.hasM()) {
			return WorkerPace.NONE;
		}
		Map<String, AttributeValue> m = pace.m();
		return new WorkerPace(d(m, INTERACTIVE_RATE), d(m, INTERACTIVE_MILLIS), d(m, BULK_RATE), d(m, BULK_MILLIS));
	}

	private static AttributeValue n(double value) {
		return AttributeValue.fromN(String.format(java.util.Locale.ROOT, "%.3f", value));
	}

	private static double d(Map<String, AttributeValue> m, String name) {
		AttributeValue value = m.get(name);
		return (value != null && value.n() != null) ? Double.parseDouble(value.n()) : 0;
	}

}
