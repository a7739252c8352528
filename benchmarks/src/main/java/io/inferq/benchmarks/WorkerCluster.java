package io.inferq.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Several workers, each in a JVM of its own, sharing one endpoint's budget: the cluster a
 * user runs when one worker is not enough. Each serves its health and metrics on a port
 * of its own.
 */
public final class WorkerCluster implements AutoCloseable {

	private final List<WorkerProcess> workers = new ArrayList<>();

	private final List<URI> metrics = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	private WorkerCluster() {
	}

	/**
	 * Starts {@code count} workers with {@code properties} (those of a
	 * {@link LocalSystem}, plus any), their logs in {@code logs}.
	 */
	public static WorkerCluster start(int count, Map<String, String> properties, Path logs) throws IOException {
		Files.createDirectories(logs);
		WorkerCluster cluster = new WorkerCluster();
		for (int i = 0; i < count; i++) {
			cluster.add(properties, logs.resolve("worker-" + i + ".log"));
		}
		return cluster;
	}

	/** Starts one more worker; its log goes to {@code log}. */
	public WorkerProcess add(Map<String, String> properties, Path log) throws IOException {
		int port = freePort();
		Map<String, String> own = new LinkedHashMap<>(properties);
		own.put("server.port", Integer.toString(port));
		Files.deleteIfExists(log);
		WorkerProcess worker = WorkerProcess.start(own, log);
		this.workers.add(worker);
		this.metrics.add(URI.create("http://127.0.0.1:" + port + "/actuator/"));
		return worker;
	}

	public WorkerProcess worker(int index) {
		return this.workers.get(index);
	}

	public int size() {
		return this.workers.size();
	}

	/** Whether every worker that was not killed reports ready. */
	public boolean isReady() {
		for (int i = 0; i < this.workers.size(); i++) {
			if (this.workers.get(i).isAlive() && !ready(i)) {
				return false;
			}
		}
		return true;
	}

	private boolean ready(int index) {
		try {
			return get(index, "health/readiness").statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The DynamoDB requests the live workers made for the budget's coordination, in all
	 * (every attempt, failed conditional writes included).
	 */
	public long coordinationRequests() throws IOException {
		long total = 0;
		for (int i = 0; i < this.workers.size(); i++) {
			if (this.workers.get(i).isAlive()) {
				HttpResponse<String> response = get(i, "metrics/inferq.worker.dynamodb.requests?tag=purpose:budget");
				JsonNode body = JobsClient.mapper().readTree(response.body());
				total += (long) body.get("measurements").get(0).get("value").asDouble();
			}
		}
		return total;
	}

	private HttpResponse<String> get(int index, String path) throws IOException {
		try {
			return this.http.send(HttpRequest.newBuilder(this.metrics.get(index).resolve(path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** Stops every worker with SIGTERM, each finishing its in-flight jobs. */
	public void terminate(Duration timeout) throws InterruptedException {
		for (WorkerProcess worker : this.workers) {
			if (worker.isAlive()) {
				worker.terminate(timeout);
			}
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (WorkerProcess worker : this.workers) {
			worker.close();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
