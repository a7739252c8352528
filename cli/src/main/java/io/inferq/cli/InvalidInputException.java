package io.inferq.cli;

/**
 * A line of the input file that cannot be sent: it is not JSON, or the API refused it.
 */
final class InvalidInputException extends RuntimeException {

	private final int fileLine;

	InvalidInputException(int fileLine, String reason) {
		super("Line " + fileLine + ": " + reason);
		this.fileLine = fileLine;
	}

	/** The 1-based line of the input file. */
	int fileLine() {
		return this.fileLine;
	}

}
