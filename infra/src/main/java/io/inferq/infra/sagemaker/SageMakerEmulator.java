package io.inferq.infra.sagemaker;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * An emulator of SageMaker real-time endpoints that the AWS SDKs and CLI call exactly as
 * they call SageMaker: InvokeEndpoint, the endpoint part of the control plane, and the
 * errors, capacity limits and latencies of real endpoints. Non-blocking: waiting
 * invocations hold timers and futures, not threads.
 * <p>
 * On one port it serves
 * <ul>
 * <li>{@code POST /endpoints/{name}/invocations}: SageMaker Runtime's
 * InvokeEndpoint;</li>
 * <li>{@code POST /} with {@code X-Amz-Target: SageMaker.*}: DescribeEndpoint,
 * ListEndpoints, UpdateEndpointWeightsAndCapacities;</li>
 * <li>{@code /_emulator/...}: the admin API (see the infra README).</li>
 * </ul>
 * Requests need no AWS signature. Thread-safe.
 */
public final class SageMakerEmulator implements AutoCloseable {

	/** The account ID in ARNs and error messages. */
	public static final String ACCOUNT_ID = "123456789012";

	/** The region in ARNs and error messages. */
	public static final String REGION = "us-east-1";

	private static final Logger logger = LoggerFactory.getLogger(SageMakerEmulator.class);

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private final EndpointRegistry endpoints;

	private final DisposableServer server;

	private final URI endpoint;

	private SageMakerEmulator(EndpointRegistry endpoints, DisposableServer server, String host) {
		this.endpoints = endpoints;
		this.server = server;
		this.endpoint = URI.create("http://" + reachableHost(host) + ":" + server.port());
	}

	/** Starts an emulator on {@code 127.0.0.1}; port 0 picks a free one. */
	public static SageMakerEmulator start(int port) {
		return start(InetAddress.getLoopbackAddress().getHostAddress(), port);
	}

	/**
	 * Starts an emulator listening on {@code host} (for example {@code 0.0.0.0} in a
	 * container); port 0 picks a free one.
	 */
	public static SageMakerEmulator start(String host, int port) {
		JsonMapper json = JsonMapper.builder()
			.disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
			.disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
			.build();
		EndpointRegistry endpoints = new EndpointRegistry();
		RuntimeRoutes runtime = new RuntimeRoutes(endpoints, json);
		ControlPlaneRoutes controlPlane = new ControlPlaneRoutes(endpoints, json);
		AdminRoutes admin = new AdminRoutes(endpoints, json);
		DisposableServer server = HttpServer.create().host(host).port(port).route((routes) -> {
			routes.post(RuntimeRoutes.INVOCATIONS_PATH, runtime::invoke).post("/", controlPlane::handle);
			admin.register(routes);
		}).bindNow(BIND_TIMEOUT);
		SageMakerEmulator emulator = new SageMakerEmulator(endpoints, server, host);
		logger.info("SageMaker emulator listening at {}", emulator.endpoint());
		return emulator;
	}

	/** Defines an endpoint, replacing any of the same name (and its stats). */
	public void define(EndpointSpec spec) {
		this.endpoints.define(spec);
		logger.info("Defined endpoint {}: {} instance(s){} x {}", spec.name(), spec.instanceCount(),
				(spec.servedInstances() != null) ? " (at most " + spec.servedInstances() + " serving)" : "",
				spec.concurrencyPerInstance());
	}

	/** Removes an endpoint; returns whether it existed. */
	public boolean remove(String endpointName) {
		return this.endpoints.remove(endpointName);
	}

	/** Every endpoint, with its instance count as it is now, by name. */
	public List<EndpointSpec> endpoints() {
		return this.endpoints.all().stream().map(Endpoint::spec).toList();
	}

	/**
	 * What an endpoint did since it was defined or its stats were reset.
	 * @throws IllegalArgumentException if there is no such endpoint
	 */
	public EndpointStats stats(String endpointName) {
		return this.endpoints.get(endpointName).stats();
	}

	/**
	 * Starts an endpoint's stats afresh.
	 * @throws IllegalArgumentException if there is no such endpoint
	 */
	public void resetStats(String endpointName) {
		this.endpoints.get(endpointName).resetStats();
	}

	/**
	 * Changes an endpoint's instance count live, as UpdateEndpointWeightsAndCapacities
	 * does: waiting invocations use new instances at once; removed instances finish what
	 * they serve.
	 * @throws IllegalArgumentException if there is no such endpoint or the count is not
	 * positive
	 */
	public void scale(String endpointName, int instanceCount) {
		if (instanceCount < 1) {
			throw new IllegalArgumentException("An endpoint needs at least one instance, not " + instanceCount);
		}
		this.endpoints.get(endpointName).update(instanceCount, null);
	}

	/** The port the emulator listens on. */
	public int port() {
		return this.server.port();
	}

	/**
	 * The base URL to give SDK clients as their endpoint override, for both SageMaker
	 * Runtime and SageMaker, for example {@code http://127.0.0.1:8090}.
	 */
	public URI endpoint() {
		return this.endpoint;
	}

	/** Stops listening; invocations in flight are abandoned. */
	@Override
	public void close() {
		this.server.disposeNow(BIND_TIMEOUT);
		this.endpoints.close();
	}

	private static String reachableHost(String host) {
		try {
			InetAddress address = InetAddress.getByName(host);
			return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : host;
		}
		catch (UnknownHostException ex) {
			return host;
		}
	}

}
