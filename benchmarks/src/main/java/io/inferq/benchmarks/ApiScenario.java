package io.inferq.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import io.inferq.aws.AwsRequestCounter.Counts;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import tools.jackson.databind.node.ObjectNode;

/**
 * The API's scenarios, each next to a plain SDK client making the calls it must make, in
 * the same run, against the same stand-ins, table and queues ({@link RawSdkClient}):
 * <ul>
 * <li>{@code api}: single submits at a fixed concurrency, against {@code PutItem} +
 * {@code SendMessage} at the same concurrency; {@code api.overRawSdk} is the API's rate
 * over the plain client's;</li>
 * <li>{@code bulk}: one NDJSON batch, against {@code BatchWriteItem} +
 * {@code SendMessageBatch} of as many items with the ingest's parallelism;
 * {@code bulk.overRawSdk}.</li>
 * </ul>
 * Single submits alternate between the two in rounds, so that a machine whose load
 * changes during the run slows both alike.
 */
final class ApiScenario {

	/** Rounds of single submits per side. */
	private static final int ROUNDS = 4;

	private final LocalAws aws;

	ApiScenario(LocalAws aws) {
		this.aws = aws;
	}

	/** Single submits; the figures go to {@code result}, the summary is returned. */
	String singleSubmits(int requests, int concurrency, ObjectNode result) {
		try (LocalSystem system = LocalSystem.startApi(this.aws.springProperties(), endpoint("api"), 1, Map.of());
				RawSdkClient raw = RawSdkClient.of(this.aws, system)) {
			JobsClient client = system.client();
			List<String> warmUp = Benchmark.submitAll(client, 200, concurrency);
			raw.useTemplate(warmUp.get(0));
			raw.submitAll(200, concurrency);
			List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
			long apiNanos = 0;
			long rawNanos = 0;
			Counts counted = null;
			int perRound = Math.max(1, requests / ROUNDS);
			for (int round = 0; round < ROUNDS; round++) {
				Counts before = system.apiRequests();
				apiNanos += submitThroughApi(client, perRound, concurrency, latencies);
				Counts spent = system.apiRequests().minus(before);
				counted = (counted != null) ? counted.plus(spent) : spent;
				rawNanos += raw.submitAll(perRound, concurrency);
			}
			int submitted = perRound * ROUNDS;
			double apiRate = submitted / (apiNanos / 1e9);
			double rawRate = submitted / (rawNanos / 1e9);
			result.put("requests", submitted).put("concurrency", concurrency);
			result.put("submitsPerSecond", apiRate).put("rawSdkSubmitsPerSecond", rawRate);
			result.put("overRawSdk", apiRate / rawRate);
			result.put("latencyMedianMs", Benchmark.percentile(latencies, 50))
				.put("latencyP99Ms", Benchmark.percentile(latencies, 99));
			String perJob = RoundTrips.write(result, counted, submitted);
			return String.format(Locale.ROOT,
					"api         %6d submits, %d at once  | %.0f submits/s (raw SDK PutItem + SendMessage %.0f/s: ratio %.2f), latency median %.1f ms p99 %.1f ms | %s",
					submitted, concurrency, apiRate, rawRate, apiRate / rawRate, Benchmark.percentile(latencies, 50),
					Benchmark.percentile(latencies, 99), perJob);
		}
	}

	/**
	 * One NDJSON batch through the API, from the first byte sent to the 202 that says
	 * every item is a queued job; then the same number of items through the plain client.
	 */
	String bulk(int items, ObjectNode result) {
		try (LocalSystem system = LocalSystem.startApi(this.aws.springProperties(), endpoint("bulk"), 1, Map.of());
				RawSdkClient raw = RawSdkClient.of(this.aws, system)) {
			JobsClient client = system.client();
			client.submitBatch(ndjson(100));
			raw.useTemplate(Benchmark.submitAll(client, 1, 1).get(0));
			raw.bulk(2000);
			String body = ndjson(items);
			Counts before = system.apiRequests();
			long started = System.nanoTime();
			JobsClient.Response accepted = client.submitBatch(body);
			double seconds = (System.nanoTime() - started) / 1e9;
			Counts spent = system.apiRequests().minus(before);
			if (accepted.status() != 202) {
				throw new IllegalStateException("The batch was refused: " + accepted.body());
			}
			double rawSeconds = raw.bulk(items) / 1e9;
			result.put("items", items).put("seconds", seconds).put("jobsPerSecond", items / seconds);
			result.put("rawSdkJobsPerSecond", items / rawSeconds).put("overRawSdk", rawSeconds / seconds);
			String perJob = RoundTrips.write(result, spent, items);
			return String.format(Locale.ROOT,
					"bulk        %6d items in one NDJSON batch | %.0f jobs/s enqueued (raw SDK BatchWriteItem + SendMessageBatch %.0f/s: ratio %.2f) | %s",
					items, items / seconds, items / rawSeconds, rawSeconds / seconds, perJob);
		}
	}

	private long submitThroughApi(JobsClient client, int requests, int concurrency, List<Long> latencies) {
		Semaphore window = new Semaphore(concurrency);
		List<CompletableFuture<?>> sent = new ArrayList<>();
		long started = System.nanoTime();
		for (int i = 0; i < requests; i++) {
			window.acquireUninterruptibly();
			long sentAt = System.nanoTime();
			sent.add(client.submitAsync("{\"input\":{\"n\":" + i + "}}").whenComplete((response, failure) -> {
				latencies.add((System.nanoTime() - sentAt) / 1_000);
				window.release();
			}));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		return System.nanoTime() - started;
	}

	static String ndjson(int items) {
		StringBuilder body = new StringBuilder();
		for (int i = 0; i < items; i++) {
			body.append("{\"customId\":\"line-").append(i).append("\",\"input\":{\"n\":").append(i).append("}}\n");
		}
		return body.toString();
	}

	private String endpoint(String name) {
		EndpointSpec spec = EndpointSpec.builder("bench-" + name + "-" + System.nanoTime())
			.instances(1)
			.latency(Duration.ofMillis(1))
			.build();
		this.aws.sageMaker().define(spec);
		return spec.name();
	}

}
