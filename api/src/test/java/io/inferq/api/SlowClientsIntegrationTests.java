package io.inferq.api;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API with its own Tomcat settings while 1,000 clients each send a request body a
 * byte every 2 seconds, from another process ({@link SlowSenders}, which stops when the
 * test closes its input, or after 90 s): each of them holds a request thread, and
 * ordinary submits are still answered at once.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true",
				"inferq.api.quotas.submits-per-second=100000", "inferq.api.quotas.submit-burst=100000" })
class SlowClientsIntegrationTests {

	private static final int SLOW_CLIENTS = 1000;

	private static final int SUBMITS = 60;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-slow-clients");
	}

	@Test
	void aThousandSlowBodies_doNotSlowOrdinarySubmits() throws Exception {
		ApiClient api = new ApiClient(this.port);
		for (int i = 0; i < 20; i++) {
			assertThat(api.submit("{\"input\": \"warm-up\"}").statusCode()).isEqualTo(202);
		}
		Process slow = slowSenders(SLOW_CLIENTS, Duration.ofSeconds(2), Duration.ofSeconds(90));
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(slow.getInputStream(), StandardCharsets.US_ASCII))) {
			assertThat(out.readLine()).isEqualTo("OPEN " + SLOW_CLIENTS);
			// Until every slow request is in the API, reading its body on a thread of its
			// own: some seconds on a busy machine.
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (requestThreadsWaitingForBodies() < SLOW_CLIENTS && System.nanoTime() < deadline) {
				Thread.sleep(200);
			}
			assertThat(requestThreadsWaitingForBodies()).as("request threads reading a slow body")
				.isGreaterThanOrEqualTo(SLOW_CLIENTS);

			List<Duration> latencies = submitWhileSlowBodiesArrive(api);

			assertThat(slow.isAlive()).as("the slow senders kept sending throughout").isTrue();
			assertThat(requestThreadsWaitingForBodies()).as("slow bodies still arriving")
				.isGreaterThanOrEqualTo(SLOW_CLIENTS);
			assertThat(api.get("/actuator/health").statusCode()).isEqualTo(200);
			Duration p99 = percentile(latencies, 0.99);
			System.out.printf("%n%d submits while %d bodies arrived a byte every 2 s: median %d ms, p99 %d ms%n",
					latencies.size(), SLOW_CLIENTS, percentile(latencies, 0.5).toMillis(), p99.toMillis());
			assertThat(p99).isLessThan(Duration.ofSeconds(1));
		}
		finally {
			slow.getOutputStream().close();
			if (!slow.waitFor(10, TimeUnit.SECONDS)) {
				slow.destroyForcibly();
			}
		}
	}

	/** {@value #SUBMITS} ordinary submits, 4 at a time, each timed. */
	private List<Duration> submitWhileSlowBodiesArrive(ApiClient api) {
		List<Duration> latencies = Collections.synchronizedList(new ArrayList<>());
		ExecutorService clients = Executors.newFixedThreadPool(4);
		try {
			List<CompletableFuture<Void>> submits = new ArrayList<>();
			for (int i = 0; i < SUBMITS; i++) {
				submits.add(CompletableFuture.runAsync(() -> {
					long started = System.nanoTime();
					HttpResponse<byte[]> response = api.submit("{\"input\": {\"inputs\": \"ordinary\"}}");
					latencies.add(Duration.ofNanos(System.nanoTime() - started));
					assertThat(response.statusCode()).isEqualTo(202);
				}, clients));
			}
			submits.forEach(CompletableFuture::join);
		}
		finally {
			clients.shutdownNow();
		}
		return latencies;
	}

	private Process slowSenders(int connections, Duration interval, Duration duration) throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		return new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", testClasses(),
				SlowSenders.class.getName(), Integer.toString(this.port), Integer.toString(connections),
				Long.toString(interval.toMillis()), Long.toString(duration.toMillis()))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
	}

	private static String testClasses() throws URISyntaxException {
		return Path.of(SlowSenders.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
	}

	/** Tomcat's request threads that are blocked reading a request body. */
	private static long requestThreadsWaitingForBodies() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((thread) -> thread.getKey().getName().contains("-exec-"))
			.filter((thread) -> List.of(thread.getValue())
				.stream()
				.anyMatch((frame) -> frame.getClassName().endsWith("BufferedBodies")))
			.count();
	}

	private static Duration percentile(List<Duration> latencies, double percentile) {
		List<Duration> sorted = latencies.stream().sorted().toList();
		int rank = (int) Math.ceil(percentile * sorted.size());
		return sorted.get(Math.max(0, rank - 1));
	}

}
