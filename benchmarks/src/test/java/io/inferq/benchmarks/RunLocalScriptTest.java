package io.inferq.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/run-local} as a newcomer meets it, with {@code java} and {@code curl}
 * replaced by stand-ins on the {@code PATH} (each "JVM" a {@code sleep} that records its
 * PID, every readiness probe answered at once), so that only the script is tested: it
 * says what it is starting and when each part is ready before it reports the system
 * running, and SIGTERM stops every process it started, also when its output is no longer
 * read. About a second for both.
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class RunLocalScriptTest {

	private static final String VERSION = "0.1.0-SNAPSHOT";

	@TempDir
	Path root;

	@Test
	@Timeout(60)
	void runLocal_showsEachStep_andSigtermStopsEverythingItStarted() throws Exception {
		Path started = layout();
		Path output = this.root.resolve("output.txt");
		Process script = start(started).redirectOutput(output.toFile()).start();
		try {
			awaitRunning(script, () -> Files.readString(output));
			List<Long> pids = pids(started);
			assertThat(pids).as("stand-ins, worker and API").hasSize(3);
			assertThat(Files.readString(output)).containsSubsequence("Starting the stand-ins",
					"starting the worker and the API", "API ready", "Worker ready", "Creating an API key",
					"inferq is running");

			script.destroy(); // SIGTERM, as kill -TERM
			assertThat(script.waitFor(20, TimeUnit.SECONDS)).as("the script exits").isTrue();
			assertStopped(pids, Files.readString(output));
			assertThat(Files.readString(output)).containsSubsequence("Stopping the API", "Stopping the worker",
					"Stopping the stand-ins", "Stopped.");
		}
		finally {
			cleanUp(script, started);
		}
	}

	@Test
	@Timeout(60)
	void runLocal_whoseOutputIsNoLongerRead_stillStopsEverythingOnSigterm() throws Exception {
		// As 'bin/run-local | tee log' whose tee went first: the script's next line used
		// to end it with SIGPIPE, leaving the JVMs running.
		Path started = layout();
		Process script = start(started).redirectErrorStream(true).start();
		try {
			StringBuilder shown = new StringBuilder();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(script.getInputStream(), StandardCharsets.UTF_8));
			awaitRunning(script, () -> {
				while (reader.ready()) {
					shown.append((char) reader.read());
				}
				return shown.toString();
			});
			List<Long> pids = pids(started);
			assertThat(pids).hasSize(3);

			script.destroy(); // SIGTERM, and the output's reader closed
			assertThat(script.waitFor(20, TimeUnit.SECONDS)).as("the script exits").isTrue();
			assertStopped(pids, shown.toString());
		}
		finally {
			cleanUp(script, started);
		}
	}

	private ProcessBuilder start(Path started) {
		ProcessBuilder builder = new ProcessBuilder("bash", this.root.resolve("bin/run-local").toString());
		builder.environment().put("PATH", this.root.resolve("fake-bin") + ":" + System.getenv("PATH"));
		builder.environment().put("RUN_LOCAL_CDS", "false");
		builder.environment().put("FAKE_STARTED", started.toString());
		return builder;
	}

	private static void awaitRunning(Process script, Callable<String> output) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!output.call().contains("Ctrl-C stops everything") && System.nanoTime() < deadline && script.isAlive()) {
			Thread.sleep(50);
		}
		assertThat(output.call()).as("the script's output").contains("Ctrl-C stops everything");
	}

	private static List<Long> pids(Path started) throws IOException {
		return Files.readAllLines(started).stream().map(Long::parseLong).toList();
	}

	private static void assertStopped(List<Long> pids, String output) throws InterruptedException {
		for (long pid : pids) {
			ProcessHandle process = ProcessHandle.of(pid).orElse(null);
			if (process != null) {
				process.onExit().completeOnTimeout(null, 5, TimeUnit.SECONDS).join();
			}
			assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
				.as("process %d after:%n%s", pid, output)
				.isFalse();
		}
	}

	private static void cleanUp(Process script, Path started) throws IOException {
		script.destroyForcibly();
		for (long pid : pids(started)) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
	}

	/** The repository's script, the jars it looks for, and java and curl stand-ins. */
	private Path layout() throws IOException {
		Path bin = Files.createDirectories(this.root.resolve("bin"));
		Path script = Path.of("..", "bin", "run-local").toAbsolutePath().normalize();
		Files.copy(script, bin.resolve("run-local"));
		for (String jar : List.of("infra/target/inferq-infra", "worker/target/inferq-worker", "api/target/inferq-api",
				"cli/target/inferq-cli")) {
			Path path = this.root.resolve(jar + "-" + VERSION + "-exec.jar");
			Files.createDirectories(path.getParent());
			Files.createFile(path);
		}
		Path fakes = Files.createDirectories(this.root.resolve("fake-bin"));
		executable(fakes.resolve("java"), """
				#!/usr/bin/env bash
				# A key for 'keys create'; any other JVM runs until it is stopped.
				case " $* " in
				*" keys create "*) echo "Created API key k1 for tenant default:"; echo "iq_test"; exit 0 ;;
				esac
				echo $$ >> "$FAKE_STARTED"
				exec sleep 300
				""");
		executable(fakes.resolve("curl"), "#!/usr/bin/env bash\nexit 0\n");
		Path started = this.root.resolve("started-pids");
		Files.createFile(started);
		return started;
	}

	private static void executable(Path path, String text) throws IOException {
		Files.writeString(path, text);
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

}
