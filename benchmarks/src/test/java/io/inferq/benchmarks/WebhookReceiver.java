package io.inferq.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.inferq.webhook.WebhookSignature;

/**
 * A webhook receiver on 127.0.0.1 for tests: counts every request by path and by
 * {@code webhook-id}, verifies each signature with the tenant's secret, answers 503 to
 * the first {@code failures} deliveries of each event and 204 after, and redirects
 * {@code /redirect} to {@code /after-redirect} (whose hits must stay at zero).
 */
final class WebhookReceiver implements AutoCloseable {

	private final HttpServer server;

	private final String secret;

	private final int failures;

	private final Map<String, AtomicInteger> hitsByPath = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> attemptsByEvent = new ConcurrentHashMap<>();

	private final Map<String, Instant> deliveredAt = new ConcurrentHashMap<>();

	private final Map<String, String> bodies = new ConcurrentHashMap<>();

	private final List<String> badSignatures = new CopyOnWriteArrayList<>();

	WebhookReceiver(String secret, int failures) throws IOException {
		this.secret = secret;
		this.failures = failures;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String path = exchange.getRequestURI().getPath();
			this.hitsByPath.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			String id = exchange.getRequestHeaders().getFirst("webhook-id");
			String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
			String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
			if (id == null || timestamp == null || signature == null
					|| !WebhookSignature.verify(this.secret, id, Long.parseLong(timestamp), body, signature)) {
				this.badSignatures.add(path + " " + id);
				exchange.sendResponseHeaders(401, -1);
				return;
			}
			if (path.equals("/redirect")) {
				exchange.getResponseHeaders().add("Location", url("/after-redirect"));
				exchange.sendResponseHeaders(302, -1);
				return;
			}
			int attempt = this.attemptsByEvent.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			if (attempt <= this.failures) {
				exchange.sendResponseHeaders(503, -1);
				return;
			}
			this.deliveredAt.putIfAbsent(id, Instant.now());
			this.bodies.putIfAbsent(id, body);
			exchange.sendResponseHeaders(204, -1);
		}
	}

	int hits(String path) {
		AtomicInteger hits = this.hitsByPath.get(path);
		return (hits != null) ? hits.get() : 0;
	}

	/** The events delivered (answered 2xx), by ID: when first. */
	Map<String, Instant> delivered() {
		return Map.copyOf(this.deliveredAt);
	}

	/** The body of the first successful delivery of an event. */
	String body(String id) {
		return this.bodies.get(id);
	}

	/** Deliveries of each event, the failed ones included. */
	Map<String, Integer> attempts() {
		Map<String, Integer> attempts = new ConcurrentHashMap<>();
		this.attemptsByEvent.forEach((id, count) -> attempts.put(id, count.get()));
		return attempts;
	}

	List<String> badSignatures() {
		return List.copyOf(this.badSignatures);
	}

	@Override
	public void close() {
		this.server.stop(0);
		((ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
