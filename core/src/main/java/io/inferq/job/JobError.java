package io.inferq.job;

import java.util.Objects;

/**
 * Why an attempt or a job failed, in words a client can act on.
 *
 * @param type a stable, machine-readable kind, for example {@code ModelError} or
 * {@code OutputTooLarge}
 * @param message what happened, for people
 */
public record JobError(String type, String message) {

	/**
	 * The longest message kept; longer ones are cut so that they fit in the job record.
	 */
	public static final int MAX_MESSAGE_LENGTH = 4096;

	public JobError {
		Objects.requireNonNull(type, "type");
		message = (message == null) ? "" : message;
		if (message.length() > MAX_MESSAGE_LENGTH) {
			message = message.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
		}
	}

}
