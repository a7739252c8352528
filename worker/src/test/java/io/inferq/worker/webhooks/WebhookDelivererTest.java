package io.inferq.worker.webhooks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.inferq.webhook.AddressPolicy;
import io.inferq.webhook.WebhookEvent;
import io.inferq.webhook.WebhookSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The deliverer against a receiver on 127.0.0.1 that counts its hits: it signs, never
 * connects to an address the policy refuses (as a literal or by name), and follows no
 * redirect. Budget: 2 s.
 */
class WebhookDelivererTest {

	private static final String SECRET = WebhookSignature.newSecret();

	private static final WebhookEvent EVENT = new WebhookEvent("evt_job_abcdefgh", "job.succeeded",
			"{\"type\":\"job.succeeded\"}");

	private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

	private final Map<String, String> signatures = new ConcurrentHashMap<>();

	private HttpServer receiver;

	private String base;

	@BeforeEach
	void startReceiver() throws Exception {
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/", this::handle);
		this.receiver.start();
		this.base = "http://127.0.0.1:" + this.receiver.getAddress().getPort();
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.stop(0);
	}

	private void handle(HttpExchange exchange) throws java.io.IOException {
		String path = exchange.getRequestURI().getPath();
		this.hits.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String id = exchange.getRequestHeaders().getFirst("webhook-id");
		long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp"));
		if (WebhookSignature.verify(SECRET, id, timestamp, body,
				exchange.getRequestHeaders().getFirst("webhook-signature"))) {
			this.signatures.put(path, id);
		}
		if (path.startsWith("/redirect")) {
			exchange.getResponseHeaders().add("Location", this.base + "/after-redirect");
			exchange.sendResponseHeaders(307, -1);
		}
		else {
			exchange.sendResponseHeaders(204, -1);
		}
		exchange.close();
	}

	@Test
	void deliver_shouldSignAndPostWhereThePolicyAllows() throws Exception {
		try (WebhookDeliverer deliverer = deliverer(AddressPolicy.allowing(List.of("127.0.0.1/32")))) {
			assertThat(deliverer.deliver(URI.create(this.base + "/hook"), SECRET, EVENT).get(5, TimeUnit.SECONDS))
				.isEqualTo(204);
		}
		assertThat(this.hits.get("/hook")).hasValue(1);
		assertThat(this.signatures).containsEntry("/hook", EVENT.id());
	}

	@Test
	void deliver_shouldNeverConnectToARefusedAddressLiteralOrByName() throws Exception {
		int port = this.receiver.getAddress().getPort();
		try (WebhookDeliverer deliverer = deliverer(AddressPolicy.publicOnly())) {
			for (String url : List.of(this.base + "/literal", "http://localhost:" + port + "/name",
					"http://[::ffff:127.0.0.1]:" + port + "/mapped")) {
				assertThatThrownBy(() -> deliverer.deliver(URI.create(url), SECRET, EVENT).get(5, TimeUnit.SECONDS))
					.as(url)
					.isInstanceOf(ExecutionException.class)
					.cause()
					.isInstanceOf(GuardedDnsResolver.RefusedAddressException.class);
			}
		}
		assertThat(this.hits).isEmpty();
	}

	@Test
	void deliver_shouldNotFollowRedirects() throws Exception {
		try (WebhookDeliverer deliverer = deliverer(AddressPolicy.allowing(List.of("127.0.0.1/32")))) {
			assertThat(deliverer.deliver(URI.create(this.base + "/redirect"), SECRET, EVENT).get(5, TimeUnit.SECONDS))
				.isEqualTo(307);
		}
		assertThat(this.hits.get("/redirect")).hasValue(1);
		assertThat(this.hits).doesNotContainKey("/after-redirect");
	}

	private static WebhookDeliverer deliverer(AddressPolicy policy) {
		return new WebhookDeliverer(policy, Duration.ofSeconds(2), 4, Clock.systemUTC());
	}

}
