package io.inferq.infra.sagemaker;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an emulated endpoint looks like: one production variant of {@code instanceCount}
 * instances, each serving up to {@code concurrencyPerInstance} invocations at a time
 * (unless only {@code servedInstances} of them serve).
 * <p>
 * The model is the built-in one unless {@code containers} are given: then instance
 * {@code i} forwards to {@code containers[i % containers.size()]}, a model container
 * following the SageMaker container contract ({@code POST /invocations}).
 *
 * @param name the endpoint name
 * @param variantName the production variant's name, reported in
 * {@code x-Amzn-Invoked-Production-Variant}
 * @param instanceCount the number of instances at start, as DescribeEndpoint reports it;
 * UpdateEndpointWeightsAndCapacities changes it live
 * @param servedInstances how many of those instances actually serve invocations, at most:
 * {@code min(servedInstances, instanceCount)} do, the others take nothing (with
 * {@code rejectWhenBusy}, invocations beyond the serving instances' slots are throttled).
 * Models an endpoint that describes more capacity than it has. {@code null}: every
 * instance serves; otherwise at least 1
 * @param concurrencyPerInstance invocations one instance serves at a time
 * @param modelTimeout the time limit of one invocation, waiting for a free instance
 * included; SageMaker's is 60 seconds
 * @param rejectWhenBusy answer {@code ThrottlingException} at once when no instance is
 * free, instead of waiting for one
 * @param keepRunningAfterDisconnect whether an invocation whose caller went away (the
 * connection closed, the request cancelled) goes on, as on SageMaker: it keeps waiting
 * for an instance or running the model there, holding the instance's slot and counted as
 * outstanding, until the model finishes or the model timeout fires. If {@code false}, the
 * invocation is abandoned and its slot released as soon as the caller goes away
 * @param latency how long the built-in model takes
 * @param echo whether the built-in model answers the request body instead of
 * {@code {"message":"finish"}}
 * @param containers the model containers to forward to, or empty for the built-in model
 * @param errorRates the share of invocations failed with each error, injected at random
 */
public record EndpointSpec(String name, String variantName, int instanceCount, Integer servedInstances,
		int concurrencyPerInstance, Duration modelTimeout, boolean rejectWhenBusy, boolean keepRunningAfterDisconnect,
		Latency latency, boolean echo, List<URI> containers, Map<SageMakerError, Double> errorRates) {

	/** The variant name SageMaker gives a single-variant endpoint by default. */
	public static final String DEFAULT_VARIANT_NAME = "AllTraffic";

	/** SageMaker's time limit for one invocation. */
	public static final Duration DEFAULT_MODEL_TIMEOUT = Duration.ofSeconds(60);

	public EndpointSpec {
		if (name == null || !name.matches("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")) {
			throw new IllegalArgumentException(
					"An endpoint name is 1 to 63 letters, digits and hyphens, but is '" + name + "'");
		}
		Objects.requireNonNull(variantName, "variantName");
		Objects.requireNonNull(modelTimeout, "modelTimeout");
		Objects.requireNonNull(latency, "latency");
		if (instanceCount < 1) {
			throw new IllegalArgumentException(
					"An endpoint needs at least one instance, but " + name + " has " + instanceCount);
		}
		if (servedInstances != null && servedInstances < 1) {
			throw new IllegalArgumentException("At least one instance serves, but " + name + " has servedInstances "
					+ servedInstances + " (leave it out for all of them)");
		}
		if (concurrencyPerInstance < 1) {
			throw new IllegalArgumentException("An instance serves at least one invocation at a time, but " + name
					+ " has concurrencyPerInstance " + concurrencyPerInstance);
		}
		if (modelTimeout.isNegative() || modelTimeout.isZero()) {
			throw new IllegalArgumentException("The model timeout of " + name + " must be positive");
		}
		containers = List.copyOf(containers);
		errorRates = Map.copyOf(errorRates);
		double total = 0;
		for (Map.Entry<SageMakerError, Double> rate : errorRates.entrySet()) {
			if (rate.getValue() < 0 || rate.getValue() > 1) {
				throw new IllegalArgumentException("The rate of " + rate.getKey().code()
						+ " is a share between 0 and 1, but is " + rate.getValue());
			}
			total += rate.getValue();
		}
		if (total > 1) {
			throw new IllegalArgumentException("The error rates of " + name + " add up to " + total + ", above 1");
		}
	}

	/**
	 * A builder for an endpoint named {@code name}: by default one instance serving one
	 * invocation at a time, the built-in model answering in 100 ms, no injected errors.
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/** A builder starting from this spec. */
	public Builder toBuilder() {
		return new Builder(this.name).variantName(this.variantName)
			.instances(this.instanceCount)
			.servedInstances(this.servedInstances)
			.concurrencyPerInstance(this.concurrencyPerInstance)
			.modelTimeout(this.modelTimeout)
			.rejectWhenBusy(this.rejectWhenBusy)
			.keepRunningAfterDisconnect(this.keepRunningAfterDisconnect)
			.latency(this.latency)
			.echo(this.echo)
			.containers(this.containers)
			.errorRates(this.errorRates);
	}

	/**
	 * Builds an {@link EndpointSpec}; invariants are checked by {@link #build()}.
	 */
	public static final class Builder {

		private final String name;

		private String variantName = DEFAULT_VARIANT_NAME;

		private int instances = 1;

		private Integer servedInstances;

		private int concurrencyPerInstance = 1;

		private Duration modelTimeout = DEFAULT_MODEL_TIMEOUT;

		private boolean rejectWhenBusy;

		private boolean keepRunningAfterDisconnect;

		private Latency latency = Latency.fixed(Duration.ofMillis(100));

		private boolean echo;

		private List<URI> containers = List.of();

		private final Map<SageMakerError, Double> errorRates = new EnumMap<>(SageMakerError.class);

		private Builder(String name) {
			this.name = name;
		}

		public Builder variantName(String variantName) {
			this.variantName = variantName;
			return this;
		}

		public Builder instances(int instances) {
			this.instances = instances;
			return this;
		}

		/**
		 * At most this many instances serve invocations, whatever the instance count;
		 * {@code null} (the default): all of them.
		 */
		public Builder servedInstances(Integer servedInstances) {
			this.servedInstances = servedInstances;
			return this;
		}

		public Builder concurrencyPerInstance(int concurrencyPerInstance) {
			this.concurrencyPerInstance = concurrencyPerInstance;
			return this;
		}

		public Builder modelTimeout(Duration modelTimeout) {
			this.modelTimeout = modelTimeout;
			return this;
		}

		public Builder rejectWhenBusy(boolean rejectWhenBusy) {
			this.rejectWhenBusy = rejectWhenBusy;
			return this;
		}

		/**
		 * Whether an invocation goes on after its caller went away, holding its instance
		 * until the model finishes; {@code false} by default.
		 */
		public Builder keepRunningAfterDisconnect(boolean keepRunningAfterDisconnect) {
			this.keepRunningAfterDisconnect = keepRunningAfterDisconnect;
			return this;
		}

		public Builder latency(Latency latency) {
			this.latency = latency;
			return this;
		}

		/** A fixed latency. */
		public Builder latency(Duration latency) {
			return latency(Latency.fixed(latency));
		}

		public Builder echo(boolean echo) {
			this.echo = echo;
			return this;
		}

		public Builder containers(List<URI> containers) {
			this.containers = containers;
			return this;
		}

		/** Fails a share ({@code 0..1}) of the invocations with {@code error}. */
		public Builder errorRate(SageMakerError error, double rate) {
			this.errorRates.put(error, rate);
			return this;
		}

		public Builder errorRates(Map<SageMakerError, Double> errorRates) {
			this.errorRates.clear();
			this.errorRates.putAll(errorRates);
			return this;
		}

		public EndpointSpec build() {
			return new EndpointSpec(this.name, this.variantName, this.instances, this.servedInstances,
					this.concurrencyPerInstance, this.modelTimeout, this.rejectWhenBusy,
					this.keepRunningAfterDisconnect, this.latency, this.echo, this.containers, this.errorRates);
		}

	}

}
