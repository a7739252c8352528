package io.inferq.pace;

/**
 * The whole cluster's pace, read from its budget.
 *
 * @param limit how many requests the cluster may have in flight now, over both lanes
 * @param interactive the interactive lane's pace
 * @param bulk the bulk lane's pace
 */
public record ClusterPace(int limit, Pace interactive, Pace bulk) {

	/** The pace of the bulk lane if {@code bulk}, else the interactive lane's. */
	public Pace lane(boolean bulk) {
		return bulk ? this.bulk : this.interactive;
	}

}
