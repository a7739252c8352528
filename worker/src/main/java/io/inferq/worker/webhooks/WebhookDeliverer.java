package io.inferq.worker.webhooks;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.webhook.AddressPolicy;
import io.inferq.webhook.WebhookEvent;
import io.inferq.webhook.WebhookSignature;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.nio.entity.DiscardingEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one signed event to one URL, without blocking: Apache HttpClient 5 (async, one
 * I/O thread), connecting only to addresses the {@link AddressPolicy} permits
 * ({@link GuardedDnsResolver}), following no redirect, reading and discarding the
 * response body. The future completes with the response's status code, or fails: with
 * {@link GuardedDnsResolver.RefusedAddressException} for a refused address, with an
 * {@link IOException} or a timeout otherwise.
 * <p>
 * Headers: {@code webhook-id}, {@code webhook-timestamp} (epoch seconds, this attempt's)
 * and {@code webhook-signature} ({@link WebhookSignature}).
 */
final class WebhookDeliverer implements AutoCloseable {

	private final CloseableHttpAsyncClient client;

	private final Duration timeout;

	private final Clock clock;

	/**
	 * @param timeout the longest a delivery may take: connect, send, response head
	 * @param maxConnections connections open at once, to all receivers together
	 */
	WebhookDeliverer(AddressPolicy policy, Duration timeout, int maxConnections, Clock clock) {
		Timeout limit = Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS);
		this.client = HttpAsyncClients.custom()
			.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
				.setDnsResolver(new GuardedDnsResolver(policy))
				.setMaxConnTotal(maxConnections)
				.setMaxConnPerRoute(maxConnections)
				.setDefaultConnectionConfig(
						ConnectionConfig.custom().setConnectTimeout(limit).setSocketTimeout(limit).build())
				.build())
			.setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
			.setDefaultRequestConfig(RequestConfig.custom()
				.setRedirectsEnabled(false)
				.setResponseTimeout(limit)
				.setConnectionRequestTimeout(limit)
				.build())
			.disableRedirectHandling()
			.disableAutomaticRetries()
			.disableCookieManagement()
			.disableAuthCaching()
			.setUserAgent("inferq-webhooks/1")
			.build();
		this.client.start();
		this.timeout = timeout;
		this.clock = clock;
	}

	/**
	 * POSTs the event to {@code url}, signed with {@code secret}.
	 * @return the response's status code
	 */
	CompletableFuture<Integer> deliver(URI url, String secret, WebhookEvent event) {
		long timestamp = this.clock.instant().getEpochSecond();
		SimpleRequestBuilder request = SimpleRequestBuilder.post(url)
			.setBody(event.body(), ContentType.APPLICATION_JSON)
			.addHeader("webhook-id", event.id())
			.addHeader("webhook-timestamp", Long.toString(timestamp))
			.addHeader("webhook-signature", WebhookSignature.sign(secret, event.id(), timestamp, event.body()));
		CompletableFuture<Integer> status = new CompletableFuture<>();
		this.client.execute(SimpleRequestProducer.create(request.build()),
				new BasicResponseConsumer<>(new DiscardingEntityConsumer<>()), null,
				new FutureCallback<Message<HttpResponse, Void>>() {

					@Override
					public void completed(Message<HttpResponse, Void> response) {
						status.complete(response.getHead().getCode());
					}

					@Override
					public void failed(Exception ex) {
						status.completeExceptionally(ex);
					}

					@Override
					public void cancelled() {
						status.completeExceptionally(new IOException("Delivery cancelled"));
					}

				});
		// A slow body (the response timeout is per read) must not hold a slot forever.
		return status.orTimeout(2 * this.timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.client.close(CloseMode.GRACEFUL);
	}

}
