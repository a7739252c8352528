package io.inferq.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API refused a chunk (a 4xx other than 409 and 429). The problem's batch-relative
 * line numbers are translated to lines of the file.
 */
final class RejectedLinesException extends RuntimeException {

	private static final Pattern LINE = Pattern.compile("\\b([Ll]ine) (\\d+)\\b");

	private final int status;

	private final int fileLine;

	private RejectedLinesException(String message, int status, int fileLine) {
		super(message);
		this.status = status;
		this.fileLine = fileLine;
	}

	static RejectedLinesException of(Chunk chunk, ApiException rejection) {
		int batchLine = batchLine(rejection);
		int fileLine = (batchLine >= 1 && batchLine <= chunk.size()) ? chunk.fileLine(batchLine) : 0;
		String detail = toFileLines(chunk, rejection.detail());
		String title = (rejection.problem() != null) ? rejection.problem().path("title").asString("") : "";
		String where = (fileLine > 0) ? "Line " + fileLine
				: "Lines " + chunk.firstFileLine() + "-" + chunk.lastFileLine();
		String message = where + " rejected (" + rejection.status() + ((title.isEmpty()) ? "" : " " + title) + "): "
				+ detail;
		return new RejectedLinesException(message, rejection.status(), fileLine);
	}

	/** The HTTP status of the refusal. */
	int status() {
		return this.status;
	}

	/** The file line the API named, or 0 if it named none. */
	int fileLine() {
		return this.fileLine;
	}

	/**
	 * The batch line a problem names: its {@code line} member, else the first "line N" in
	 * its detail; 0 if none.
	 */
	private static int batchLine(ApiException rejection) {
		if (rejection.problem() != null && rejection.problem().path("line").isNumber()) {
			return rejection.problem().path("line").asInt();
		}
		Matcher matcher = LINE.matcher(rejection.detail());
		return matcher.find() ? parse(matcher.group(2)) : 0;
	}

	/** {@code text} with every "line N" of the batch replaced by its line in the file. */
	static String toFileLines(Chunk chunk, String text) {
		Matcher matcher = LINE.matcher(text);
		StringBuilder translated = new StringBuilder();
		while (matcher.find()) {
			int batchLine = parse(matcher.group(2));
			String replacement = (batchLine >= 1 && batchLine <= chunk.size())
					? matcher.group(1) + " " + chunk.fileLine(batchLine) : matcher.group();
			matcher.appendReplacement(translated, Matcher.quoteReplacement(replacement));
		}
		matcher.appendTail(translated);
		return translated.toString();
	}

	private static int parse(String digits) {
		try {
			return Integer.parseInt(digits);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
