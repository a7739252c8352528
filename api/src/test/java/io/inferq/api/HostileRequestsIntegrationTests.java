package io.inferq.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.inferq.api.HostileRequests.Case;
import io.inferq.api.HostileRequests.Kind;
import io.inferq.api.HostileRequests.Send;
import io.inferq.infra.local.LocalAws;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of generated malformed and hostile requests, of every kind
 * {@link HostileRequests} makes, against the API as it runs on the stand-ins, over raw
 * sockets. Whatever the request: no 5xx but 501 and 505 (a method or protocol version the
 * server does not implement); every error a problem ({@code application/problem+json}
 * whose {@code status} is the response's) in the client's terms; the security headers on
 * every response; nothing but a framing error or a client that went away may end without
 * an answer; no job QUEUED or message queued that a refused request left; no log above
 * INFO and no stack trace. Afterwards the API is healthy and a valid job is accepted and
 * queued.
 * <p>
 * Seeded ({@code -Dinferq.fuzz.seed=...}, 13 by default) and bounded (2,100 requests, 4
 * at a time). Batches are chunked by 5 items, so that a refused batch has stored some.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true",
				"inferq.api.quotas.submits-per-second=100000", "inferq.api.quotas.submit-burst=100000",
				"inferq.api.batches.chunk-size=5", "inferq.api.batches.max-items=40",
				"inferq.api.batches.max-json-body-size=64KB", "inferq.api.max-input-size=8KB" })
class HostileRequestsIntegrationTests {

	private static final String TABLE = "api-it-hostile";

	private static final int PER_KIND = 300;

	private static final int CLIENTS = 4;

	/** What a problem's detail must not show: Java types, their settings, identities. */
	private static final Pattern INTERNALS = Pattern.compile(
			"Exception|\\bjava\\.|\\bjakarta\\.|\\borg\\.(apache|springframework)|jackson|Constraints|\\[L[\\w.$]+;"
					+ "|@[0-9a-f]{5,}|`|Source:");

	private static SqsAsyncClient sqs;

	private static DynamoDbAsyncClient dynamoDb;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

	@BeforeAll
	static void clients() {
		sqs = LocalAwsResources.sqs();
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
	}

	@AfterAll
	static void closeClients() {
		sqs.close();
		dynamoDb.close();
	}

	@Test
	void hostileRequests_getProblemsOr501Or505_leaveNothingBehind_andTheApiServesOn() throws Exception {
		long seed = Long.getLong("inferq.fuzz.seed", 13L);
		ApiClient api = new ApiClient(this.port);
		Accepted accepted = new Accepted();
		String jobId = accepted.job(ApiClient.json(api.submit("{\"input\": 1}")).get("id").asString());
		HttpResponse<byte[]> batch = api.post("/v1/batches", "application/x-ndjson",
				"{\"customId\": \"a\", \"input\": 1}\n{\"customId\": \"b\", \"input\": 2}\n");
		String batchId = accepted.batch(ApiClient.json(batch).get("id").asString(), 2);
		HostileRequests generator = new HostileRequests(seed, jobId, batchId);
		List<Case> cases = new ArrayList<>();
		for (int i = 0; i < PER_KIND; i++) {
			for (Kind kind : Kind.values()) {
				cases.add(generator.next(kind));
			}
		}

		ListAppender<ILoggingEvent> logs = captureLogs();
		Map<Kind, Map<String, Integer>> histogram = new ConcurrentHashMap<>();
		List<String> failures = new ArrayList<>();
		long started = System.nanoTime();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<String>> results = new ArrayList<>();
			for (Case hostile : cases) {
				results.add(clients.submit(() -> check(hostile, accepted, histogram)));
			}
			for (Future<String> result : results) {
				String failure = result.get(2, TimeUnit.MINUTES);
				if (failure != null && failures.size() < 20) {
					failures.add(failure);
				}
			}
		}
		finally {
			clients.shutdownNow();
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		print(seed, cases.size(), took, histogram);

		assertThat(failures).as("requests answered wrongly (seed %d)", seed).isEmpty();
		assertThat(histogram.keySet()).containsExactlyInAnyOrder(Kind.values());
		assertThat(histogram.values())
			.allSatisfy((statuses) -> assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum())
				.isEqualTo(PER_KIND));
		assertNothingLeftBehind(accepted);
		stopCapturing(logs);
		assertThat(logs.list).as("log events above INFO or with a stack trace")
			.filteredOn((event) -> event.getLevel().isGreaterOrEqual(Level.WARN) || event.getThrowableProxy() != null)
			.extracting(ILoggingEvent::getFormattedMessage)
			.isEmpty();
		assertTheApiServesOn(api);
	}

	/** Sends one case and checks its answer; the failure, or {@code null}. */
	private String check(Case hostile, Accepted accepted, Map<Kind, Map<String, Integer>> histogram) {
		RawHttp.Response response;
		try {
			if (hostile.send() == Send.DISCONNECT) {
				RawHttp.sendAndDisconnect(this.port, hostile.bytes());
				count(histogram, hostile.kind(), "gone");
				return null;
			}
			response = RawHttp.exchange(this.port, hostile.bytes(), hostile.send() == Send.HEAD,
					hostile.send() == Send.HALF_CLOSE, Duration.ofSeconds(30));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(hostile.shown(), ex);
		}
		int status = response.status();
		count(histogram, hostile.kind(),
				(status == 0) ? "closed" : (status == RawHttp.Response.HTTP_09) ? "0.9" : Integer.toString(status));
		String failure = failure(hostile, response);
		if (failure != null) {
			return hostile.kind() + " " + hostile.label() + ": " + failure + "\n  request: " + hostile.shown()
					+ "\n  response: " + status + " " + response.headers() + " " + response.text();
		}
		if (status == 202) {
			JsonNode body = ApiClient.json(response.text());
			if (body.has("total")) {
				accepted.batch(body.get("id").asString(), body.get("total").asLong());
			}
			else {
				accepted.job(body.get("id").asString());
			}
		}
		return null;
	}

	private static String failure(Case hostile, RawHttp.Response response) {
		int status = response.status();
		if (status == 0) {
			return (hostile.kind() == Kind.FRAMING) ? null : "no answer";
		}
		if (status >= 500 && status != 501 && status != 505) {
			return "a " + status;
		}
		if (status == RawHttp.Response.HTTP_09) {
			// HTTP/0.9 has no status line and no headers (and no browser speaks it): its
			// body must still be a problem.
			JsonNode problem = ApiClient.json(response.text());
			return (problem.get("status") != null && problem.get("status").asInt() >= 400) ? null
					: "an HTTP/0.9 answer that is not a problem";
		}
		if (!"nosniff".equals(response.header("X-Content-Type-Options"))
				|| !String.valueOf(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'")) {
			// OPTIONS * is Tomcat's alone: an empty 200 that never reaches a valve.
			return hostile.label().startsWith("OPTIONS *") ? null : "no security headers";
		}
		if (status < 400) {
			return null;
		}
		String type = String.valueOf(response.header("Content-Type"));
		if (!type.startsWith("application/problem+json")) {
			return "a " + status + " as " + type;
		}
		if (hostile.send() == Send.HEAD) {
			return null;
		}
		JsonNode problem = ApiClient.json(response.text());
		if (problem.get("status") == null || problem.get("status").asInt() != status || problem.get("title") == null) {
			return "a problem without its status and title";
		}
		String detail = (problem.get("detail") != null) ? problem.get("detail").asString() : "";
		return INTERNALS.matcher(detail).find() ? "a detail that shows internals" : null;
	}

	/**
	 * Every QUEUED job in the table is one an accepted request created, every queued
	 * message names one, no batch is left ENQUEUEING and a refused one has no jobs. Jobs
	 * of a request whose client went away are removed once the server notices, so this
	 * looks again for a while.
	 */
	private void assertNothingLeftBehind(Accepted accepted) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		List<String> leftBehind = leftBehind(accepted);
		while (!leftBehind.isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(500);
			leftBehind = leftBehind(accepted);
		}
		assertThat(leftBehind).as("what refused requests left").isEmpty();
		long refused = scan().stream()
			.filter((item) -> item.get(JobTable.KEY).s().startsWith(JobTable.BATCH_KEY_PREFIX))
			.filter((item) -> item.containsKey("status") && "FAILED".equals(item.get("status").s()))
			.count();
		System.out.printf("  %d batches refused (bad items, too many, clients gone), none with a job left%n", refused);
		assertThat(queuedJobIds(TABLE)).as("the interactive queue holds the accepted jobs")
			.containsExactlyInAnyOrderElementsOf(accepted.jobs);
		assertThat(queuedJobIds(TABLE + "-bulk")).as("the bulk queue holds the accepted batches' jobs")
			.hasSize((int) accepted.batchJobs())
			.allSatisfy((id) -> assertThat(accepted.batches).containsKey(id.substring(0, id.lastIndexOf('-'))));
	}

	private List<String> leftBehind(Accepted accepted) {
		List<String> left = new ArrayList<>();
		for (Map<String, AttributeValue> item : scan()) {
			String id = item.get(JobTable.KEY).s();
			String status = item.containsKey("status") ? item.get("status").s() : "";
			if (id.startsWith(JobTable.BATCH_KEY_PREFIX) && id.contains("#shard#")) {
				// A shard of a batch's counters: a refused batch's are deleted.
				String batchId = id.substring(JobTable.BATCH_KEY_PREFIX.length(), id.indexOf("#shard#"));
				if (!accepted.batches.containsKey(batchId)) {
					left.add("counters " + id + " of a refused batch");
				}
			}
			else if (id.startsWith(JobTable.BATCH_KEY_PREFIX)) {
				String batchId = id.substring(JobTable.BATCH_KEY_PREFIX.length());
				String total = item.containsKey("total") ? item.get("total").n() : "0";
				if (!accepted.batches.containsKey(batchId)
						&& (!Set.of("FAILED", "CANCELLED").contains(status) || !"0".equals(total))) {
					left.add("batch " + batchId + " " + status + " with " + total + " jobs");
				}
			}
			else if (item.containsKey("batchId")) {
				if (!accepted.batches.containsKey(item.get("batchId").s())) {
					left.add("job " + id + " " + status + " of a refused batch");
				}
			}
			else if ("QUEUED".equals(status) && !accepted.jobs.contains(id)) {
				left.add("job " + id + " QUEUED");
			}
		}
		return left;
	}

	private List<Map<String, AttributeValue>> scan() {
		List<Map<String, AttributeValue>> items = new ArrayList<>();
		Map<String, AttributeValue> start = null;
		do {
			Map<String, AttributeValue> from = start;
			var page = dynamoDb.scan((request) -> request.tableName(TABLE).exclusiveStartKey(from)).join();
			items.addAll(page.items());
			start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
		}
		while (start != null);
		return items;
	}

	/** The job IDs of the messages in a queue, looked at without taking them. */
	private static List<String> queuedJobIds(String queue) {
		String url = sqs.getQueueUrl((request) -> request.queueName(queue)).join().queueUrl();
		Set<String> seen = new HashSet<>();
		List<String> ids = new ArrayList<>();
		for (int empty = 0; empty < 3;) {
			List<Message> messages = sqs
				.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30))
				.join()
				.messages();
			empty = messages.isEmpty() ? empty + 1 : 0;
			for (Message message : messages) {
				if (seen.add(message.messageId())) {
					ids.add(JobMessageCodec.decode(message.body()).jobId().value());
				}
			}
		}
		return ids;
	}

	private void assertTheApiServesOn(ApiClient api) {
		HttpResponse<byte[]> health = api.get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(ApiClient.json(health).get("status").asString()).isEqualTo("UP");
		HttpResponse<byte[]> submitted = api.submit("{\"input\": {\"inputs\": \"after the storm\"}}");
		assertThat(submitted.statusCode()).isEqualTo(202);
		String id = ApiClient.json(submitted).get("id").asString();
		assertThat(ApiClient.json(api.get("/v1/jobs/" + id)).get("status").asString()).isEqualTo("QUEUED");
		assertThat(queuedJobIds(TABLE)).contains(id);
	}

	private static void count(Map<Kind, Map<String, Integer>> histogram, Kind kind, String outcome) {
		histogram.computeIfAbsent(kind, (k) -> new ConcurrentHashMap<>()).merge(outcome, 1, Integer::sum);
	}

	private static void print(long seed, int requests, Duration took, Map<Kind, Map<String, Integer>> histogram) {
		StringBuilder report = new StringBuilder(String.format(
				"%nHostile requests: %d in %.1f s (seed %d), "
						+ "answers per kind (closed: no answer; gone: the client left mid-request)%n",
				requests, took.toMillis() / 1000.0, seed));
		Map<Kind, Map<String, Integer>> sorted = new EnumMap<>(histogram);
		sorted.forEach((kind,
				statuses) -> report.append(String.format("  %-9s %s%n", kind,
						new TreeMap<>(statuses).entrySet()
							.stream()
							.map((entry) -> entry.getKey() + " x" + entry.getValue())
							.collect(Collectors.joining(", ")))));
		System.out.print(report);
	}

	private static ListAppender<ILoggingEvent> captureLogs() {
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
		return appender;
	}

	private static void stopCapturing(ListAppender<ILoggingEvent> appender) {
		((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
		appender.stop();
	}

	/** What the API accepted: jobs, and batches with their number of jobs. */
	private static final class Accepted {

		private final Set<String> jobs = ConcurrentHashMap.newKeySet();

		private final Map<String, Long> batches = new ConcurrentHashMap<>();

		String job(String id) {
			this.jobs.add(id);
			return id;
		}

		String batch(String id, long total) {
			this.batches.put(id, total);
			return id;
		}

		long batchJobs() {
			return this.batches.values().stream().mapToLong(Long::longValue).sum();
		}

	}

}
