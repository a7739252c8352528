package io.inferq.message;

/**
 * A queue message that is not a job message; it can never succeed and belongs in the
 * dead-letter queue.
 */
public class MalformedJobMessageException extends RuntimeException {

	public MalformedJobMessageException(String message, Throwable cause) {
		super(message, cause);
	}

}
