package io.inferq.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.inferq.api.ApiApplication;
import io.inferq.config.AwsWarmUp;
import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API in a JVM of its own, with the heap {@code bin/run-local} gives it, refuses a
 * JSON batch of 32 MB whose one item is over the input limit, and one over the 32 MB body
 * limit, without its resident memory going anywhere near 1 GB: the peak resident memory
 * (VmHWM) before and after is printed and bounded. Both answers arrive whole, problem
 * bodies included, though the API stopped reading each body early. Budget: about 30 s,
 * most of it the API's start.
 */
class ApiMemoryTest {

	private static final Logger logger = LoggerFactory.getLogger(ApiMemoryTest.class);

	/** As bin/run-local starts the API. */
	static final List<String> RUN_LOCAL_API_OPTIONS = List.of("-Xmx384m");

	private static final long MIB = 1024 * 1024;

	private final LocalAws aws = LocalAws.shared();

	private Process api;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.api != null) {
			this.api.destroyForcibly();
			this.api.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void refused32MbBatches_leaveTheApiFarBelow1Gb() throws Exception {
		int port = freePort();
		Path log = Files.createTempFile("inferq-api", ".log");
		this.api = startApi(port, log);
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		URI base = URI.create("http://127.0.0.1:" + port);
		awaitReady(client, base, log);
		long before = ProcessStats.of(this.api.pid()).peakRssKiB() / 1024;

		// One item whose input is a 32 MB string: read whole (within the body limit), and
		// refused for the input limit.
		byte[] oneHugeItem = batchWithInput(32 * MIB - 100);
		HttpResponse<String> refused = postBatch(client, base, oneHugeItem);
		long afterHugeItem = ProcessStats.of(this.api.pid()).peakRssKiB() / 1024;
		// Over the body limit: refused by its length, before it is read.
		HttpResponse<String> tooLarge = postBatch(client, base, batchWithInput(33 * MIB));
		long after = ProcessStats.of(this.api.pid()).peakRssKiB() / 1024;
		logger.info(
				"API peak RSS (VmHWM, {}): {} MiB ready; {} MiB after a 32 MB batch refused {}; {} MiB after a 33 MB one refused {}",
				RUN_LOCAL_API_OPTIONS, before, afterHugeItem, refused.statusCode(), after, tooLarge.statusCode());

		assertRefusedWithProblem(refused);
		assertRefusedWithProblem(tooLarge);
		assertThat(after).as("peak RSS in MiB").isLessThan(700);
	}

	private static byte[] batchWithInput(long size) {
		byte[] head = "{\"items\":[{\"customId\":\"a\",\"input\":\"".getBytes(StandardCharsets.US_ASCII);
		byte[] tail = "\"}]}".getBytes(StandardCharsets.US_ASCII);
		byte[] body = new byte[(int) size];
		Arrays.fill(body, (byte) 'x');
		System.arraycopy(head, 0, body, 0, head.length);
		System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);
		return body;
	}

	/**
	 * The whole answer: the API reads a refused body to its end (up to Tomcat's
	 * {@code max-swallow-size}) before it closes the connection, so the client, still
	 * sending, gets the problem's body too.
	 */
	private static HttpResponse<String> postBatch(HttpClient client, URI base, byte[] body)
			throws IOException, InterruptedException {
		return client.send(HttpRequest.newBuilder(base.resolve("/v1/batches"))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static void assertRefusedWithProblem(HttpResponse<String> answer) {
		assertThat(answer.statusCode()).isEqualTo(413);
		assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(answer.body()).contains("\"status\":413").endsWith("}");
	}

	private Process startApi(int port, Path log) throws IOException {
		String prefix = "api-memory-" + System.nanoTime();
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		properties.put("inferq.aws.table-name", prefix + "-jobs");
		properties.put("inferq.aws.queue-name", prefix + "-jobs");
		properties.put("inferq.aws.bulk-queue-name", prefix + "-jobs-bulk");
		properties.put("inferq.aws.dead-letter-queue-name", prefix + "-jobs-dlq");
		properties.put("inferq.aws.create-resources", "true");
		properties.put("inferq.api.security.anonymous", "true");
		properties.put("server.port", Integer.toString(port));
		// The suite's short warm-up (parent pom), as in this JVM.
		properties.put(AwsWarmUp.ROUNDS_PROPERTY,
				System.getProperty(AwsWarmUp.ROUNDS_PROPERTY, Integer.toString(AwsWarmUp.DEFAULT_ROUNDS)));
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(RUN_LOCAL_API_OPTIONS);
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ApiApplication.class.getName());
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
	}

	private void awaitReady(HttpClient client, URI base, Path log) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline && this.api.isAlive()) {
			try {
				HttpResponse<Void> ready = client.send(
						HttpRequest.newBuilder(base.resolve("/actuator/health/readiness")).build(),
						HttpResponse.BodyHandlers.discarding());
				if (ready.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("The API did not become ready; see " + log);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
