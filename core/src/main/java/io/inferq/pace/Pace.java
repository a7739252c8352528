package io.inferq.pace;

/**
 * The cluster's pace in one lane: its workers' paces together.
 *
 * @param perSecond jobs ended per second, summed over the workers
 * @param meanMillis how long a job holds its permit, averaged over the workers weighted
 * by their rates (or plainly, when none ended any); 0 if none was ever measured
 * @param demand jobs in flight plus waiting for a permit in the workers
 */
public record Pace(double perSecond, double meanMillis, int demand) {

	/** Nothing known. */
	public static final Pace NONE = new Pace(0, 0, 0);

}
