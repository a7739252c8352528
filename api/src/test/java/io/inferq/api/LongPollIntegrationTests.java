package io.inferq.api;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.inferq.api.watch.LongPolls;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Long polling as it runs on DynamoDB Local and ElasticMQ: 1,000 clients wait at once on
 * one API process whose Tomcat has only 64 request threads, while the test ends their
 * jobs (writes them CANCELLED through the store, as a worker or another replica would) 25
 * at a time, ten times a second. The store tells the API's inbox of each end, and every
 * client is answered within 500 ms of its job's end; the safety poll's status reads stay
 * bounded, and the JVM's platform threads do not grow with the waiters. Each stage of
 * every answer is timed ({@link LongPollTimings}) and printed. Budget: about 40 s.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true",
				"server.tomcat.threads.max=64", "inferq.api.watch.max-wait=55s",
				"inferq.api.quotas.submits-per-second=100000", "inferq.api.quotas.submit-burst=100000" })
@Import(LongPollTimings.Wiring.class)
class LongPollIntegrationTests {

	private static final int CLIENTS = 1000;

	private static final int WAVES = 40;

	private static final int BURST = 50;

	@Autowired
	private JobStore store;

	@Autowired
	private LongPolls longPolls;

	@Autowired
	private LongPollTimings timings;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-long-poll");
	}

	@Test
	@Timeout(150)
	void aThousandWaiters_areAnsweredWithinHalfASecondOfTheirJobsEnd_onFlatThreads() throws Exception {
		List<Job> jobs = queuedJobs(CLIENTS);
		ExecutorService clientThreads = Executors.newFixedThreadPool(2);
		HttpClient http = HttpClient.newBuilder()
			.executor(clientThreads)
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.build();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try {
			// The same 1,000 connections once without waiting: Tomcat's pool and the
			// client's connections reach their size before counting. In bursts of 50 (the
			// store client's connections), so
			// that the first reads of the jobs do not queue for the store's connections
			// for seconds on a loaded machine.
			for (int from = 0; from < CLIENTS; from += BURST) {
				jobs.subList(from, from + BURST)
					.stream()
					.map((job) -> http.sendAsync(get(job, ""), HttpResponse.BodyHandlers.ofString()))
					.toList()
					.forEach((response) -> assertThat(response.join().statusCode()).isEqualTo(200));
			}
			int before = threads.getThreadCount();

			Map<JobId, Instant> answered = new ConcurrentHashMap<>();
			List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
			long setupStart = System.nanoTime();
			long until = setupStart + TimeUnit.SECONDS.toNanos(60);
			for (int from = 0; from < CLIENTS; from += BURST) {
				for (Job job : jobs.subList(from, from + BURST)) {
					waiting.add(http.sendAsync(get(job, "?wait=50s"), HttpResponse.BodyHandlers.ofString())
						.whenComplete((response, failure) -> answered.put(job.id(), Instant.now())));
				}
				while (this.longPolls.waiting() < from + BURST && System.nanoTime() < until) {
					Thread.sleep(20);
				}
			}
			assertThat(this.longPolls.waiting()).as("clients waiting").isEqualTo(CLIENTS);
			assertThat(this.longPolls.isTold()).as("the API's inbox is open").isTrue();
			int during = threads.getThreadCount();
			assertThat(answered).as("nobody answered before a job ended").isEmpty();

			this.timings.start();
			long phaseStart = System.nanoTime();
			long setupMillis = TimeUnit.NANOSECONDS.toMillis(phaseStart - setupStart);
			Map<JobId, Instant> finished = new ConcurrentHashMap<>();
			Map<JobId, Instant> ended = endInWaves(jobs, finished);
			CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			long phaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - phaseStart);
			int after = threads.getThreadCount();

			List<Long> lags = new ArrayList<>();
			for (int i = 0; i < CLIENTS; i++) {
				HttpResponse<String> response = waiting.get(i).join();
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).contains("\"status\":\"CANCELLED\"");
				JobId id = jobs.get(i).id();
				lags.add(Duration.between(ended.get(id), answered.get(id)).toMillis());
			}
			List<Long> sorted = lags.stream().sorted().toList();
			System.out.printf(
					"%n%d waiters (all waiting after %d ms, their jobs ended in %d ms): platform threads %d before, %d "
							+ "while waiting, %d after; answered after their job's end: median %d ms, p90 %d ms, p95 "
							+ "%d ms, p99 %d ms, max %d ms%n",
					CLIENTS, setupMillis, phaseMillis, before, during, after, sorted.get(CLIENTS / 2),
					sorted.get(CLIENTS * 90 / 100 - 1), sorted.get(CLIENTS * 95 / 100 - 1),
					sorted.get(CLIENTS * 99 / 100 - 1), sorted.get(CLIENTS - 1));
			System.out.println(this.timings.report(finished, ended, answered));
			assertThat(during).as("platform threads while %d clients wait", CLIENTS).isLessThanOrEqualTo(before + 16);
			// Ends are told, not polled for: the safety poll reads every
			// waited-for status once per inbox-poll-interval (5 s), 100 to a
			// request, never overlapping.
			assertThat(this.timings.statusReads()).as("status reads in %d ms", phaseMillis)
				.isLessThanOrEqualTo((int) ((phaseMillis / 5000 + 1) * CLIENTS / 100));
			assertThat(this.timings.mostStatusReadsInFlight()).isLessThanOrEqualTo(CLIENTS / 100);
			assertThat(sorted.get(CLIENTS - 1)).as("the slowest answer after its job's end, ms")
				.isLessThanOrEqualTo(500);
		}
		finally {
			clientThreads.shutdownNow();
		}
	}

	/**
	 * Ends the jobs in {@value #WAVES} waves a second apart; when each was stored ended.
	 */
	private Map<JobId, Instant> endInWaves(List<Job> jobs, Map<JobId, Instant> finished) throws Exception {
		Map<JobId, Instant> ended = new ConcurrentHashMap<>();
		int perWave = jobs.size() / WAVES;
		for (int wave = 0; wave < WAVES; wave++) {
			Thread.sleep(100);
			List<CompletableFuture<Job>> writes = new ArrayList<>();
			for (Job job : jobs.subList(wave * perWave, (wave + 1) * perWave)) {
				Instant now = Instant.now();
				finished.put(job.id(), now);
				writes.add(this.store.update(job.cancel(now))
					.whenComplete((stored, failure) -> ended.put(job.id(), Instant.now())));
			}
			CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
		}
		return ended;
	}

	private List<Job> queuedJobs(int count) {
		List<Job> jobs = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			jobs.add(Job.submit(TenantId.DEFAULT, JobId.random(), Payload.json("{\"n\":" + i + "}"), null, Map.of(),
					Instant.now(), Duration.ofHours(1)));
		}
		return this.store.createAll(jobs).join();
	}

	private HttpRequest get(Job job, String query) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/jobs/" + job.id() + query))
			.timeout(Duration.ofSeconds(70))
			.GET()
			.build();
	}

}
