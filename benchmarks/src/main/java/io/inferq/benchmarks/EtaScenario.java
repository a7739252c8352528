package io.inferq.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ETA scenario: how far the finish time the API promises at submit
 * ({@code estimatedFinishAt}) is from the real one. After a warm-up round, and 4 s of
 * submits at the steady rate so that the measured jobs meet a busy system, M jobs are
 * submitted through the API at a steady rate above what the endpoint serves, so that a
 * backlog builds up; each job's error is |promised - real| / real, where promised and
 * real are the times from its creation to its estimated and actual finish. Reports the
 * median and the 90th percentile of the error over the jobs. With
 * {@code -Deta.trace=FILE}, each job's line {@code index,submittedMs,promisedMs,realMs}
 * (from the first measured submit) as CSV.
 */
final class EtaScenario {

	private final LocalAws aws;

	EtaScenario(LocalAws aws) {
		this.aws = aws;
	}

	/**
	 * The figures of one run.
	 *
	 * @param jobs jobs measured
	 * @param withoutEstimate of them, those the API gave no estimate for
	 * @param medianError the median of |promised - real| / real
	 * @param p90Error its 90th percentile
	 * @param medianWaitMs the median real time from creation to finish
	 * @param makespanMs from the first measured submit to the last finish
	 */
	record Result(int jobs, int withoutEstimate, double medianError, double p90Error, long medianWaitMs,
			long makespanMs) {

		String line(int instances, Duration latency) {
			return String.format(Locale.ROOT,
					"%-11s %6d jobs %4d inst %5d ms | ETA at submit: error median %.1f %%, p90 %.1f %% (real wait median %.1f s, makespan %.1f s; %d without an estimate)",
					"eta", this.jobs, instances, latency.toMillis(), 100 * this.medianError, 100 * this.p90Error,
					this.medianWaitMs / 1000.0, this.makespanMs / 1000.0, this.withoutEstimate);
		}

		void record(ObjectNode result) {
			result.put("jobs", this.jobs)
				.put("withoutEstimate", this.withoutEstimate)
				.put("medianError", this.medianError)
				.put("p90Error", this.p90Error)
				.put("medianWaitMs", this.medianWaitMs)
				.put("makespanMs", this.makespanMs);
		}

	}

	/**
	 * @param perSecond the submit rate, held steady: above what the endpoint serves, so
	 * that a backlog builds up, yet not so high that submitting takes the machine's CPUs
	 * from the workers
	 */
	Result run(int jobs, int instances, Duration latency, int warmUpJobs, double perSecond) {
		EndpointSpec spec = EndpointSpec.builder("bench-eta-" + System.nanoTime())
			.instances(instances)
			.latency(latency)
			.build();
		this.aws.sageMaker().define(spec);
		try (LocalSystem system = LocalSystem.start(this.aws.springProperties(), spec.name(), instances, Map.of())) {
			JobsClient client = system.client();
			// A first round to warm the JVM up and let the workers measure their pace.
			Benchmark.awaitAll(client, Benchmark.submitAll(client, warmUpJobs, 16));
			// Then 4 s at the steady rate, so that the measured jobs meet a steady
			// system.
			List<String> busy = submit(client, (int) (4 * perSecond), perSecond).stream()
				.map((job) -> job.get("id").asString())
				.toList();
			Instant started = Instant.now();
			List<JsonNode> accepted = submit(client, jobs, perSecond);
			List<JsonNode> finished = Benchmark.awaitAll(client,
					accepted.stream().map((job) -> job.get("id").asString()).toList());
			Benchmark.awaitAll(client, busy);
			List<Double> errors = new ArrayList<>();
			List<Long> waits = new ArrayList<>();
			int withoutEstimate = 0;
			Instant last = started;
			java.io.PrintStream trace = trace();
			for (int i = 0; i < jobs; i++) {
				JsonNode promise = accepted.get(i);
				JsonNode job = finished.get(i);
				Instant created = Instant.parse(job.get("createdAt").asString());
				Instant finishedAt = Instant.parse(job.get("finishedAt").asString());
				last = finishedAt.isAfter(last) ? finishedAt : last;
				long real = Duration.between(created, finishedAt).toMillis();
				waits.add(real);
				if (!promise.has("estimatedFinishAt")) {
					withoutEstimate++;
					errors.add(1.0);
					continue;
				}
				long promised = Duration.between(created, Instant.parse(promise.get("estimatedFinishAt").asString()))
					.toMillis();
				errors.add(Math.abs(promised - real) / (double) Math.max(1, real));
				if (trace != null) {
					trace.printf(Locale.ROOT, "%d,%d,%d,%d%n", i, Duration.between(started, created).toMillis(),
							promised, real);
				}
			}
			errors.sort(null);
			waits.sort(null);
			return new Result(jobs, withoutEstimate, errors.get(jobs / 2), errors.get((int) Math.ceil(0.9 * jobs) - 1),
					waits.get(jobs / 2), Duration.between(started, last).toMillis());
		}
	}

	/** Where each job's figures go as CSV, if {@code -Deta.trace=FILE} is set. */
	private static java.io.PrintStream trace() {
		String file = System.getProperty("eta.trace");
		try {
			return (file != null) ? new java.io.PrintStream(file) : null;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Submits the jobs at {@code perSecond}; the API's answers, in order. */
	private static List<JsonNode> submit(JobsClient client, int jobs, double perSecond) {
		Semaphore window = new Semaphore(32);
		List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < jobs; i++) {
			long due = start + (long) (i * 1e9 / perSecond);
			long wait = due - System.nanoTime();
			if (wait > 0) {
				java.util.concurrent.locks.LockSupport.parkNanos(wait);
			}
			window.acquireUninterruptibly();
			answers.add(client.submitAsync("{\"input\":{\"n\":" + i + "}}")
				.whenComplete((response, failure) -> window.release())
				.thenApply(JobsClient.Response::json));
		}
		return answers.stream().map(CompletableFuture::join).toList();
	}

}
