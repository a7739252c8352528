package io.inferq.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch's progress as Server-Sent Events on DynamoDB Local, followed by two clients
 * while the test ends its jobs in the store: a first {@code progress} event at once, one
 * when the counts change, then {@code end} with the final counts, and the stream ends; a
 * long poll of the batch is answered when it ends; a cancelled batch's stream ends only
 * once its jobs have. Budget: about 7 s.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.config.name=inferq-api",
		"inferq.api.security.anonymous=true", "inferq.api.watch.progress-interval=200ms" })
class BatchEventsIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private JobStore store;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-batch-events");
	}

	@Test
	@Timeout(30)
	void twoFollowers_seeProgressThenTheEnd_andALongPollIsAnsweredAtTheEnd() throws Exception {
		ApiClient api = new ApiClient(this.port);
		HttpResponse<byte[]> created = api.post("/v1/batches", "application/json",
				"{\"items\": [{\"customId\": \"a\", \"input\": 1}, {\"customId\": \"b\", \"input\": 2}, "
						+ "{\"customId\": \"c\", \"input\": 3}]}");
		assertThat(created.statusCode()).isEqualTo(202);
		String batchId = json.readTree(created.body()).get("id").asString();
		HttpClient http = HttpClient.newHttpClient();
		Iterator<String> first = follow(http, batchId);
		Iterator<String> second = follow(http, batchId);
		var longPoll = http.sendAsync(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/batches/" + batchId + "?wait=20"))
			.build(), HttpResponse.BodyHandlers.ofString());

		for (Iterator<String> events : List.of(first, second)) {
			Event opening = next(events);
			assertThat(opening.name()).isEqualTo("progress");
			assertThat(opening.data().get("batchId").asString()).isEqualTo(batchId);
			assertThat(opening.data().get("total").asLong()).isEqualTo(3);
			assertThat(opening.data().get("counts").get("queued").asLong()).isEqualTo(3);
			assertThat(opening.data().has("ratePerSecond")).isTrue();
			assertThat(opening.data().has("estimatedCompletionAt")).isTrue();
		}
		cancel(batchId + "-0");
		Event changed = next(first);
		assertThat(changed.name()).isEqualTo("progress");
		assertThat(changed.data().get("counts").get("cancelled").asLong()).isEqualTo(1);
		assertThat(longPoll).isNotDone();

		cancel(batchId + "-1");
		cancel(batchId + "-2");
		for (Iterator<String> events : List.of(first, second)) {
			Event end = lastEvent(events);
			assertThat(end.name()).isEqualTo("end");
			assertThat(end.data().get("status").asString()).isEqualTo("COMPLETED");
			assertThat(end.data().get("counts").get("cancelled").asLong()).isEqualTo(3);
			assertThat(end.data().get("estimatedCompletionAt").isNull()).isTrue();
			assertThat(events.hasNext()).as("the stream ended").isFalse();
		}
		HttpResponse<String> polled = longPoll.get();
		assertThat(polled.statusCode()).isEqualTo(200);
		assertThat(json.readTree(polled.body()).get("status").asString()).isEqualTo("COMPLETED");
		assertThat(api.get("/v1/batches/unknownbatch1/events").statusCode()).isEqualTo(404);
	}

	@Test
	@Timeout(30)
	void aCancelledBatch_endsItsStreamOnlyOnceEveryJobOfItHasEnded() throws Exception {
		ApiClient api = new ApiClient(this.port);
		HttpResponse<byte[]> created = api.post("/v1/batches", "application/json",
				"{\"items\": [{\"customId\": \"a\", \"input\": 1}, {\"customId\": \"b\", \"input\": 2}]}");
		assertThat(created.statusCode()).isEqualTo(202);
		String batchId = json.readTree(created.body()).get("id").asString();
		Iterator<String> events = follow(HttpClient.newHttpClient(), batchId);
		assertThat(next(events).name()).isEqualTo("progress");
		// One job runs: the cancel leaves it to its worker (the API cancels the queued
		// one itself).
		Job first = this.store.find(new JobId(batchId + "-0")).join().orElseThrow();
		Job running = this.store.update(first.start(Instant.now(), Duration.ofMinutes(5))).join();

		assertThat(api.delete("/v1/batches/" + batchId).statusCode()).isEqualTo(202);
		// The stream may have sent one more event from before the cancel.
		Event cancelled = next(events);
		if (cancelled.data().get("status").asString().equals("IN_PROGRESS")) {
			cancelled = next(events);
		}
		assertThat(cancelled.name()).as("a job of it is still running").isEqualTo("progress");
		assertThat(cancelled.data().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(cancelled.data().get("counts").get("running").asLong()).isEqualTo(1);
		var longPoll = HttpClient.newHttpClient()
			.sendAsync(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/batches/" + batchId + "?wait=20"))
				.build(), HttpResponse.BodyHandlers.ofString());
		Thread.sleep(1000);
		assertThat(longPoll).as("a long poll waits for the jobs too").isNotDone();

		// As its worker does when the model answers.
		this.store.update(running.succeed(Payload.json("1"), Instant.now())).join();
		JsonNode polled = json.readTree(longPoll.get(10, java.util.concurrent.TimeUnit.SECONDS).body());
		assertThat(polled.get("status").asString()).isEqualTo("CANCELLED");
		assertThat(polled.get("counts").get("cancelled").asLong()).isEqualTo(1);
		assertThat(polled.get("counts").get("succeeded").asLong()).isEqualTo(1);
		Event end = lastEvent(events);
		assertThat(end.name()).isEqualTo("end");
		assertThat(end.data().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(end.data().get("counts").get("cancelled").asLong()).isEqualTo(1);
		assertThat(end.data().get("counts").get("succeeded").asLong()).isEqualTo(1);
		assertThat(end.data().get("counts").get("queued").asLong() + end.data().get("counts").get("running").asLong())
			.isZero();
		assertThat(events.hasNext()).as("the stream ended").isFalse();
	}

	private void cancel(String id) {
		Job job = this.store.find(new JobId(id)).join().orElseThrow();
		this.store.update(job.cancel(Instant.now())).join();
	}

	private Iterator<String> follow(HttpClient http, String batchId) throws Exception {
		HttpResponse<Stream<String>> response = http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/batches/" + batchId + "/events"))
			.header("Accept", "text/event-stream")
			.build(), HttpResponse.BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		return response.body().iterator();
	}

	/** The next event, its name and data. */
	private static Event next(Iterator<String> lines) {
		String name = null;
		StringBuilder data = new StringBuilder();
		while (lines.hasNext()) {
			String line = lines.next();
			if (line.isEmpty()) {
				if (name != null) {
					return new Event(name, json.readTree(data.toString().getBytes(StandardCharsets.UTF_8)));
				}
				continue;
			}
			if (line.startsWith("event:")) {
				name = line.substring("event:".length()).trim();
			}
			else if (line.startsWith("data:")) {
				data.append(line.substring("data:".length()));
			}
		}
		throw new AssertionError("The stream ended without another event");
	}

	/** The last event before the stream ends. */
	private static Event lastEvent(Iterator<String> lines) {
		List<Event> events = new ArrayList<>();
		while (lines.hasNext()) {
			try {
				events.add(next(lines));
			}
			catch (AssertionError ended) {
				break;
			}
		}
		assertThat(events).isNotEmpty();
		return events.get(events.size() - 1);
	}

	private record Event(String name, JsonNode data) {

	}

}
