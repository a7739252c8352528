package io.inferq.job;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt in a job's history ({@link Job#history()}): when it started, when and how
 * it ended.
 *
 * @param attempt the attempt's number, 1 for the first; an {@link Outcome#UNSERVED}
 * attempt is not counted, so the next attempt has the same number
 * @param startedAt when the attempt started
 * @param endedAt when the attempt ended, or {@code null} while it runs
 * @param outcome how the attempt ended, or {@code null} while it runs
 * @param error why the attempt failed, or {@code null}; its message is cut to
 * {@value #MAX_MESSAGE_LENGTH} characters
 */
public record JobAttempt(int attempt, Instant startedAt, Instant endedAt, Outcome outcome, JobError error) {

	/** The longest error message an attempt keeps. */
	public static final int MAX_MESSAGE_LENGTH = 256;

	public JobAttempt {
		Objects.requireNonNull(startedAt, "startedAt");
		if ((endedAt == null) != (outcome == null)) {
			throw new IllegalArgumentException("An attempt has both an end and an outcome, or neither");
		}
		if (error != null && error.message() != null && error.message().length() > MAX_MESSAGE_LENGTH) {
			error = new JobError(error.type(), error.message().substring(0, MAX_MESSAGE_LENGTH - 1) + "…");
		}
	}

	/** A running attempt. */
	public static JobAttempt started(int attempt, Instant startedAt) {
		return new JobAttempt(attempt, startedAt, null, null, null);
	}

	/** Whether the attempt still runs (as far as the record knows). */
	public boolean isOpen() {
		return this.endedAt == null;
	}

	/** This attempt ended at {@code now} with {@code outcome} and {@code error}. */
	JobAttempt end(Instant now, Outcome outcome, JobError error) {
		return new JobAttempt(this.attempt, this.startedAt, now, outcome, error);
	}

	/** How an attempt ended. */
	public enum Outcome {

		/** The model answered; the job succeeded. */
		SUCCEEDED,

		/** The job failed with this attempt: a permanent error, or retries exhausted. */
		FAILED,

		/** A transient error; the job went back to the queue for another attempt. */
		RETRIED,

		/**
		 * The endpoint never worked on the request (overloaded, or the worker lost its
		 * share); the job went back to the queue and the attempt does not count.
		 */
		UNSERVED,

		/** The job was cancelled while the attempt ran. */
		CANCELLED,

		/**
		 * The attempt's worker held the job past its lease; another attempt took over.
		 */
		ABANDONED

	}

}
