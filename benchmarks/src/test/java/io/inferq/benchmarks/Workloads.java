package io.inferq.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.EndpointSpec;

/**
 * What the end-to-end tests run: endpoints of their own (echoing ones, so that outputs
 * tell jobs apart), numbered jobs, and a worker configured to take over jobs within
 * seconds.
 */
final class Workloads {

	private Workloads() {
	}

	/**
	 * Defines an endpoint that answers each job with its own input, so that a stored
	 * result can be checked against its job.
	 * @return the endpoint's name, unique
	 */
	static String echoEndpoint(LocalAws aws, String name, int instances, Duration latency) {
		return define(aws, endpointSpec(name, instances, latency).echo(true));
	}

	/**
	 * Defines an endpoint that answers the emulator's default output.
	 * @return the endpoint's name, unique
	 */
	static String endpoint(LocalAws aws, String name, int instances, Duration latency) {
		return define(aws, endpointSpec(name, instances, latency));
	}

	private static EndpointSpec.Builder endpointSpec(String name, int instances, Duration latency) {
		return EndpointSpec.builder(name + "-" + System.nanoTime()).instances(instances).latency(latency);
	}

	static String define(LocalAws aws, EndpointSpec.Builder builder) {
		EndpointSpec spec = builder.build();
		aws.sageMaker().define(spec);
		return spec.name();
	}

	/**
	 * A short lease, so that a job whose worker died or whose outcome could not be stored
	 * is taken over within seconds, and short backoffs, so that a test does not wait
	 * minutes.
	 */
	static Map<String, String> shortLease() {
		Map<String, String> properties = new HashMap<>();
		properties.put("inferq.worker.invocation-timeout", "2s");
		properties.put("inferq.worker.lease", "5s");
		properties.put("inferq.worker.initial-backoff", "1s");
		properties.put("inferq.worker.max-backoff", "2s");
		return properties;
	}

	/**
	 * Submits jobs with inputs {@code {"n": 0}} to {@code {"n": count - 1}}, in parallel.
	 */
	static List<String> submitNumbered(JobsClient client, int count) {
		return IntStream.range(0, count)
			.mapToObj((n) -> client.submitAsync("{\"input\":{\"n\":" + n + "}}"))
			.toList()
			.stream()
			.map((response) -> response.join().json().get("id").asString())
			.toList();
	}

}
