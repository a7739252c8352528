package io.inferq.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two API replicas on the same table and queues, each with its own inbox: a client
 * waiting on one is answered at once when the job is cancelled through the other, and
 * when a worker (here, the store) ends a job both replicas' clients wait for. Their
 * safety polls are an hour apart, so only being told can answer in time. At stop, each
 * replica deletes its inbox. About 25 s, most of it the two starts.
 */
class LongPollReplicasIntegrationTests {

	private static final String PREFIX = "api-it-long-poll-replicas";

	@Test
	@Timeout(120)
	void aClientWaitingOnOneReplica_isAnsweredWhenTheJobEndsThroughAnother() throws Exception {
		try (ConfigurableApplicationContext first = replica(); ConfigurableApplicationContext second = replica()) {
			HttpClient http = HttpClient.newHttpClient();
			JobStore store = first.getBean(JobStore.class);
			Job cancelled = store.create(aJob()).join();
			Job succeeded = store.create(aJob()).join();

			CompletableFuture<HttpResponse<String>> waitingOnSecond = http
				.sendAsync(get(second, cancelled.id(), "?wait=20s"), HttpResponse.BodyHandlers.ofString());
			CompletableFuture<HttpResponse<String>> bothFirst = http.sendAsync(get(first, succeeded.id(), "?wait=20s"),
					HttpResponse.BodyHandlers.ofString());
			CompletableFuture<HttpResponse<String>> bothSecond = http
				.sendAsync(get(second, succeeded.id(), "?wait=20s"), HttpResponse.BodyHandlers.ofString());
			Thread.sleep(1500);
			assertThat(List.of(waitingOnSecond, bothFirst, bothSecond)).noneMatch(CompletableFuture::isDone);

			Instant cancelledAt = Instant.now();
			HttpResponse<String> cancel = http.send(
					HttpRequest.newBuilder(URI.create(base(first) + "/v1/jobs/" + cancelled.id())).DELETE().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(cancel.statusCode()).isEqualTo(200);
			assertThat(waitingOnSecond.get(3, TimeUnit.SECONDS).body()).contains("\"status\":\"CANCELLED\"");
			long cancelMillis = Duration.between(cancelledAt, Instant.now()).toMillis();

			Job running = store.update(succeeded.start(Instant.now(), Duration.ofMinutes(1))).join();
			store.update(running.succeed(Payload.json("{\"ok\":true}"), Instant.now())).join();
			assertThat(bothFirst.get(3, TimeUnit.SECONDS).body()).contains("\"status\":\"SUCCEEDED\"");
			assertThat(bothSecond.get(3, TimeUnit.SECONDS).body()).contains("\"status\":\"SUCCEEDED\"");
			System.out.printf("%nAnswered on the other replica %d ms after the cancel began%n", cancelMillis);
		}
		try (SqsAsyncClient sqs = LocalAwsResources.sqs()) {
			assertThat(sqs.listQueues((request) -> request.queueNamePrefix(PREFIX + "-watch-")).join().queueUrls())
				.as("inboxes left after both replicas stopped")
				.isEmpty();
		}
	}

	private static ConfigurableApplicationContext replica() {
		Map<String, Object> properties = new HashMap<>(LocalAws.shared().springProperties());
		properties.put("spring.config.name", "inferq-api");
		properties.put("server.port", "0");
		properties.put("inferq.api.security.anonymous", "true");
		properties.put("inferq.api.watch.inbox-poll-interval", "1h");
		properties.put("inferq.aws.table-name", PREFIX);
		properties.put("inferq.aws.queue-name", PREFIX);
		properties.put("inferq.aws.bulk-queue-name", PREFIX + "-bulk");
		properties.put("inferq.aws.dead-letter-queue-name", PREFIX + "-dlq");
		// As arguments: above what the app's own configuration files say.
		String[] arguments = properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
		return new SpringApplicationBuilder(ApiApplication.class).run(arguments);
	}

	private static Job aJob() {
		return Job.submit(TenantId.DEFAULT, JobId.random(), Payload.json("{}"), null, Map.of(), Instant.now(),
				Duration.ofHours(1));
	}

	private static String base(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpRequest get(ConfigurableApplicationContext context, JobId id, String query) {
		return HttpRequest.newBuilder(URI.create(base(context) + "/v1/jobs/" + id + query))
			.timeout(Duration.ofSeconds(40))
			.GET()
			.build();
	}

}
