package io.inferq.infra.sagemaker;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An endpoint as the admin API reads and writes it, in JSON; absent fields take the
 * defaults of {@link EndpointSpec#builder(String)}. Durations are in milliseconds.
 *
 * @param name the endpoint name (taken from the path when defining)
 * @param variantName the production variant's name
 * @param instances the instance count
 * @param servedInstances how many instances actually serve, at most; absent or
 * {@code null}: all of them
 * @param concurrencyPerInstance invocations one instance serves at a time
 * @param modelTimeoutMs the time limit of one invocation
 * @param rejectWhenBusy throttle at once instead of waiting when no instance is free
 * @param keepRunningAfterDisconnect go on with an invocation whose caller went away,
 * holding its instance until the model finishes (as SageMaker does); default
 * {@code false}: abandon it and free the instance at once
 * @param latencyMs the built-in model's median latency
 * @param latencyP99Ms its 99th percentile; the median if absent (a fixed latency)
 * @param echo whether the built-in model answers the request body
 * @param containers model container URLs to forward to instead of the built-in model
 * @param errorRates the share of invocations to fail, by error code
 */
record EndpointDefinition(String name, String variantName, Integer instances, Integer servedInstances,
		Integer concurrencyPerInstance, Long modelTimeoutMs, Boolean rejectWhenBusy, Boolean keepRunningAfterDisconnect,
		Long latencyMs, Long latencyP99Ms, Boolean echo, List<URI> containers, Map<String, Double> errorRates) {

	static EndpointDefinition of(EndpointSpec spec) {
		return new EndpointDefinition(spec.name(), spec.variantName(), spec.instanceCount(), spec.servedInstances(),
				spec.concurrencyPerInstance(), spec.modelTimeout().toMillis(), spec.rejectWhenBusy(),
				spec.keepRunningAfterDisconnect(), spec.latency().median().toMillis(), spec.latency().p99().toMillis(),
				spec.echo(), spec.containers(),
				spec.errorRates()
					.entrySet()
					.stream()
					.collect(Collectors.toMap((rate) -> rate.getKey().code(), Map.Entry::getValue, (a, b) -> a,
							TreeMap::new)));
	}

	/**
	 * The spec of endpoint {@code endpointName} this definition describes.
	 * @throws IllegalArgumentException if the definition is invalid
	 */
	EndpointSpec toSpec(String endpointName) {
		EndpointSpec.Builder builder = EndpointSpec.builder(endpointName);
		if (this.variantName != null) {
			builder.variantName(this.variantName);
		}
		if (this.instances != null) {
			builder.instances(this.instances);
		}
		if (this.servedInstances != null) {
			builder.servedInstances(this.servedInstances);
		}
		if (this.concurrencyPerInstance != null) {
			builder.concurrencyPerInstance(this.concurrencyPerInstance);
		}
		if (this.modelTimeoutMs != null) {
			builder.modelTimeout(Duration.ofMillis(this.modelTimeoutMs));
		}
		if (this.rejectWhenBusy != null) {
			builder.rejectWhenBusy(this.rejectWhenBusy);
		}
		if (this.keepRunningAfterDisconnect != null) {
			builder.keepRunningAfterDisconnect(this.keepRunningAfterDisconnect);
		}
		if (this.latencyMs != null) {
			Duration median = Duration.ofMillis(this.latencyMs);
			builder.latency(
					new Latency(median, (this.latencyP99Ms != null) ? Duration.ofMillis(this.latencyP99Ms) : median));
		}
		if (this.echo != null) {
			builder.echo(this.echo);
		}
		if (this.containers != null) {
			builder.containers(this.containers);
		}
		if (this.errorRates != null) {
			this.errorRates.forEach((code, rate) -> builder.errorRate(SageMakerError.fromCode(code), rate));
		}
		return builder.build();
	}

}
