package io.inferq.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;

import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkException;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/**
 * The {@code inferq} command: a client of the inferq API for batch systems.
 * <p>
 * Exit codes: 0 success, 1 some jobs did not succeed, 2 bad usage, input or request (the
 * API answered 4xx, or results asked of a batch never accepted), 3 the API was
 * unreachable or unavailable for longer than {@code --retry-for}, 4 an unexpected error,
 * 5 a batch has not ended, so its results are not final (written nowhere).
 */
@Command(name = "inferq", mixinStandardHelpOptions = true, versionProvider = Inferq.Version.class,
		description = "A client of the inferq API for batch systems.",
		subcommands = { EnqueueCommand.class, StatusCommand.class, ResultsCommand.class, CancelCommand.class,
				KeysCommand.class, CommandLine.HelpCommand.class },
		footerHeading = "%nExit codes:%n",
		footer = { "  0  success", "  1  some jobs did not succeed (enqueue --wait)",
				"  2  bad usage, an unreadable input line, a request the API refused (4xx), or results asked of a "
						+ "batch that was never accepted",
				"  3  the API was unreachable or unavailable for longer than --retry-for", "  4  an unexpected error",
				"  5  a batch has not ended, so its results are not final (results without --wait)" })
public final class Inferq {

	/** Some jobs failed, were cancelled or expired. */
	static final int JOBS_FAILED = 1;

	/** Bad usage, input, or a request the API refused. */
	static final int REFUSED = 2;

	/** The API was unreachable or unavailable. */
	static final int UNAVAILABLE = 3;

	/** A bug. */
	static final int UNEXPECTED = 4;

	/** A batch has not ended: its results would not be final. */
	static final int NOT_ENDED = 5;

	private final PrintStream out;

	private final PrintStream err;

	Inferq(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	public static void main(String[] args) {
		System.exit(new Inferq(System.out, System.err).run(args));
	}

	/** Runs a command line and returns its exit code. */
	int run(String... args) {
		CommandLine commandLine = new CommandLine(this);
		// A batch ID may begin with '-' (URL-safe base64; generated ones no longer do):
		// an argument that is no option of the command is a batch ID, not an error.
		commandLine.setUnmatchedOptionsArePositionalParams(true);
		commandLine.setOut(new PrintWriter(this.out, true));
		commandLine.setErr(new PrintWriter(this.err, true));
		commandLine.setExecutionExceptionHandler(this::failed);
		return commandLine.execute(args);
	}

	PrintStream out() {
		return this.out;
	}

	PrintStream err() {
		return this.err;
	}

	private int failed(Exception ex, CommandLine commandLine, ParseResult parseResult) {
		if (ex instanceof InvalidInputException || ex instanceof RejectedLinesException || ex instanceof ApiException
				|| ex instanceof ResultsFile.InvalidResultsException) {
			this.err.println("Error: " + ex.getMessage());
			return REFUSED;
		}
		if (ex instanceof NoSuchFileException missing) {
			this.err.println("Error: no such file: " + missing.getFile());
			return REFUSED;
		}
		if (ex instanceof CompletionException && ex.getCause() instanceof SdkException aws) {
			this.err.println("Error: DynamoDB failed: " + aws.getMessage());
			return UNAVAILABLE;
		}
		if (ex instanceof BatchNotEndedException) {
			this.err.println("Error: " + ex.getMessage());
			return NOT_ENDED;
		}
		if (ex instanceof ApiUnavailableException) {
			this.err.println("Error: " + ex.getMessage());
			return UNAVAILABLE;
		}
		if (ex instanceof IOException) {
			this.err.println("Error: " + ex);
			return REFUSED;
		}
		this.err.println("Unexpected error:");
		ex.printStackTrace(this.err);
		return UNEXPECTED;
	}

	/** The version in the jar's manifest. */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = Inferq.class.getPackage().getImplementationVersion();
			return new String[] { "inferq " + ((version != null) ? version : "(development)") };
		}

	}

}
