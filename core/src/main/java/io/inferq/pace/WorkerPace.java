package io.inferq.pace;

/**
 * How fast one worker ends jobs, per lane, as it last wrote in its share of the cluster
 * budget (about once a second while busy): what the API's estimates of waiting times are
 * made of.
 *
 * @param interactivePerSecond interactive jobs ended per second over the last 10 s
 * @param interactiveMillis how long an interactive job holds its permit (its start write
 * and invocation), in milliseconds: the mean over the ends of the last 5 s, or the last
 * such mean; 0 if none was measured
 * @param bulkPerSecond the same for bulk jobs
 * @param bulkMillis the same for bulk jobs
 */
public record WorkerPace(double interactivePerSecond, double interactiveMillis, double bulkPerSecond,
		double bulkMillis) {

	/** Nothing measured. */
	public static final WorkerPace NONE = new WorkerPace(0, 0, 0, 0);

}
