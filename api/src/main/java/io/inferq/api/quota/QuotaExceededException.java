package io.inferq.api.quota;

import java.time.Duration;

/**
 * A submit its tenant's limits do not admit now: too many submits a second, or too many
 * jobs queued. Retrying after {@link #retryAfter()} may succeed.
 */
public class QuotaExceededException extends RuntimeException {

	/**
	 * When a submit refused for the queued-jobs limit is worth retrying: about when some
	 * of the tenant's jobs will have started, and the count been taken again.
	 */
	static final Duration QUEUED_RETRY_AFTER = Duration.ofSeconds(5);

	private final transient SubmitRate rate;

	private final transient QueuedJobs queued;

	private final Duration retryAfter;

	private final boolean queuedJobsLimit;

	private QuotaExceededException(String message, SubmitRate rate, QueuedJobs queued, Duration retryAfter,
			boolean queuedJobsLimit) {
		super(message);
		this.rate = rate;
		this.queued = queued;
		this.retryAfter = retryAfter;
		this.queuedJobsLimit = queuedJobsLimit;
	}

	static QuotaExceededException submitRate(SubmitRate rate, QueuedJobs queued) {
		return new QuotaExceededException(
				"Too many submits: this tenant may submit " + rate.perSecond() + " a second (" + rate.burst()
						+ " at once); retry after Retry-After",
				rate, queued, Duration.ofMillis((long) Math.ceil(rate.secondsUntilNext() * 1000)), false);
	}

	/**
	 * {@code asked} more jobs do not fit in the tenant's queued-jobs limit.
	 * @param rate the submit rate limit as the request found it, or {@code null}
	 */
	public static QuotaExceededException queuedJobs(SubmitRate rate, QueuedJobs queued, long asked) {
		return new QuotaExceededException(
				"Too many queued jobs: this tenant may have " + queued.limit() + " jobs waiting, and " + queued.queued()
						+ " are; " + asked
						+ " more do not fit. Retry once some have started, or ask for a higher limit",
				rate, queued, QUEUED_RETRY_AFTER, true);
	}

	/** The submit rate limit as the request found it, or {@code null}. */
	public SubmitRate rate() {
		return this.rate;
	}

	/** The queued-jobs limit as the request found it. */
	public QueuedJobs queued() {
		return this.queued;
	}

	/** When a retry may succeed. */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/** Whether the queued-jobs limit refused the request (else the submit rate did). */
	public boolean isQueuedJobsLimit() {
		return this.queuedJobsLimit;
	}

}
