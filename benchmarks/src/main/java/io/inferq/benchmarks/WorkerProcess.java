package io.inferq.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferq.config.AwsWarmUp;
import io.inferq.worker.WorkerApplication;

/**
 * A worker in a JVM of its own, started from this JVM's classpath, so that it can be
 * killed like a real one.
 */
public final class WorkerProcess implements AutoCloseable {

	/**
	 * The worker's JVM options: bin/run-local's heap and collector; the quick JIT only,
	 * since in runs of minutes the optimising one costs more CPU than it saves.
	 */
	static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
			"-XX:TieredStopAtLevel=1");

	private final Process process;

	private final Path log;

	private WorkerProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Starts a worker with {@code properties} as command-line arguments; its output goes
	 * to {@code log}.
	 */
	public static WorkerProcess start(Map<String, String> properties, Path log) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		// Further options for a look inside, e.g.
		// -XX:StartFlightRecording=filename=worker.jfr
		String extra = System.getProperty("inferq.benchmark.worker-jvm-options", "").strip();
		if (!extra.isEmpty()) {
			command.addAll(List.of(extra.split("\\s+")));
		}
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(WorkerApplication.class.getName());
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		// The tests' short warm-up (set for the suite in the parent pom), if any.
		String rounds = System.getProperty(AwsWarmUp.ROUNDS_PROPERTY);
		if (rounds != null && !properties.containsKey(AwsWarmUp.ROUNDS_PROPERTY)) {
			command.add("--" + AwsWarmUp.ROUNDS_PROPERTY + "=" + rounds);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new WorkerProcess(process, log);
	}

	/** SIGKILL: the worker dies at once, mid-invocation, acknowledging nothing. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * SIGTERM, then waits for the worker to finish its in-flight jobs and exit.
	 * @return whether it exited within {@code timeout}
	 */
	public boolean terminate(Duration timeout) throws InterruptedException {
		this.process.destroy();
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * SIGSTOP: the worker freezes where it is, as a process descheduled for long (a long
	 * GC pause, a stalled VM); its monotonic clock goes on.
	 */
	public void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** SIGCONT: a paused worker goes on from where it stopped. */
	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(this.process.pid())).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IOException("kill -" + name + " " + this.process.pid() + " failed");
		}
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public long pid() {
		return this.process.pid();
	}

	/** Where the worker's output goes. */
	public File log() {
		return this.log.toFile();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
