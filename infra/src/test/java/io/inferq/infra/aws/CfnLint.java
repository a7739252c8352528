package io.inferq.infra.aws;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code cfn-lint} command, where it is installed (developers' machines may have it,
 * CI may not).
 */
final class CfnLint {

	private static final String COMMAND = "cfn-lint";

	private static final long TIMEOUT_MINUTES = 2;

	private CfnLint() {
	}

	/**
	 * Whether {@code cfn-lint} is on the PATH and runs: a pyenv shim may be there for a
	 * Python that lacks it.
	 */
	static boolean runs() throws InterruptedException {
		boolean onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, COMMAND)));
		try {
			return onPath && run(List.of(COMMAND, "--version")).exitCode() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Lints the template with cfn-lint's defaults. */
	static Result check(Path template) throws IOException, InterruptedException {
		return run(List.of(COMMAND, template.toString()));
	}

	private static Result run(List<String> command) throws IOException, InterruptedException {
		Path output = Files.createTempFile("inferq-cfn-lint", ".txt");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new AssertionError(
						String.join(" ", command) + " did not end within " + TIMEOUT_MINUTES + " minutes");
			}
			return new Result(process.exitValue(), Files.readString(output));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/**
	 * What cfn-lint said.
	 *
	 * @param exitCode 0 when it found nothing
	 * @param output its findings (standard output and error)
	 */
	record Result(int exitCode, String output) {
	}

}
