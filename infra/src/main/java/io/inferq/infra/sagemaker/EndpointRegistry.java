package io.inferq.infra.sagemaker;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The endpoints of one emulator, by name. Redefining an endpoint replaces it: requests in
 * flight finish on the old one, new ones go to the new one with fresh stats.
 */
final class EndpointRegistry implements AutoCloseable {

	private final ConcurrentMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();

	private final ConnectionProvider connections = ConnectionProvider.builder("sagemaker-containers")
		.maxConnections(1024)
		.pendingAcquireMaxCount(-1)
		.build();

	private final HttpClient containers = HttpClient.create(this.connections);

	void define(EndpointSpec spec) {
		Model model = spec.containers().isEmpty() ? new BuiltInModel(spec.latency(), spec.echo())
				: new ContainerModel(this.containers, spec.containers());
		this.endpoints.put(spec.name(), new Endpoint(spec, model));
	}

	boolean remove(String name) {
		return this.endpoints.remove(name) != null;
	}

	Optional<Endpoint> find(String name) {
		return Optional.ofNullable(this.endpoints.get(name));
	}

	/**
	 * @throws IllegalArgumentException if there is no such endpoint
	 */
	Endpoint get(String name) {
		return find(name).orElseThrow(() -> new IllegalArgumentException("There is no endpoint " + name));
	}

	/** Every endpoint, by name. */
	List<Endpoint> all() {
		return this.endpoints.values().stream().sorted(Comparator.comparing(Endpoint::name)).toList();
	}

	@Override
	public void close() {
		this.connections.dispose();
	}

}
