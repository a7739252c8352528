package io.inferq.cli;

/**
 * Input that cannot be sent: a line of the file that is not JSON or that the API refused,
 * or a file with nothing to send.
 */
final class InvalidInputException extends RuntimeException {

	private final int fileLine;

	InvalidInputException(int fileLine, String reason) {
		super("Line " + fileLine + ": " + reason);
		this.fileLine = fileLine;
	}

	/** About the whole file, no line of it. */
	InvalidInputException(String reason) {
		super(reason);
		this.fileLine = 0;
	}

	/** The 1-based line of the input file, 0 for the whole file. */
	int fileLine() {
		return this.fileLine;
	}

}
