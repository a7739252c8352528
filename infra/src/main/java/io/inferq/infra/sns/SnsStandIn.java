package io.inferq.infra.sns;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * A small SNS in this JVM that speaks SNS's wire protocol as the AWS SDK does (AWS Query:
 * a form-encoded {@code POST /} with {@code Action=...}, XML answers, errors as
 * {@code <ErrorResponse>} with SNS's codes so the SDK throws its own exceptions) and
 * delivers to SQS subscriptions, the ElasticMQ stand-in's queues, through the given SQS
 * client. Topics and subscriptions live in memory. Requests are at most
 * {@value #MAX_REQUEST_BYTES} bytes (a PublishBatch of 256 KB, form-encoded); which
 * actions it answers: {@link SnsActions}. No signature is checked, any credentials do.
 */
public final class SnsStandIn implements AutoCloseable {

	/** The account the topics' ARNs name, as ElasticMQ's queue ARNs do. */
	public static final String ACCOUNT_ID = "000000000000";

	static final int MAX_REQUEST_BYTES = 1024 * 1024;

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(SnsStandIn.class);

	private final DisposableServer server;

	private final URI endpoint;

	private SnsStandIn(DisposableServer server, URI endpoint) {
		this.server = server;
		this.endpoint = endpoint;
	}

	/**
	 * Starts listening on {@code host}; port 0 picks a free one.
	 * @param sqs where SQS subscriptions are delivered, owned by the caller (it must
	 * outlive the stand-in)
	 */
	public static SnsStandIn start(String host, int port, String region, SqsAsyncClient sqs) {
		// The actions need the bound port (for the envelopes' URLs), so they are made
		// once bound; no client knows the port before start returns.
		AtomicReference<SnsActions> actions = new AtomicReference<>();
		DisposableServer server = HttpServer.create()
			.host(host)
			.port(port)
			.route((routes) -> routes.post("/", (request, response) -> handle(actions.get(), request, response)))
			.bindNow(BIND_TIMEOUT);
		URI endpoint = URI.create("http://" + host + ":" + server.port());
		actions.set(new SnsActions(region, ACCOUNT_ID, new SqsFanOut(sqs, endpoint), Clock.systemUTC()));
		logger.info("SNS stand-in listening at {}", endpoint);
		return new SnsStandIn(server, endpoint);
	}

	/** The URL to give SDK clients as their endpoint override. */
	public URI endpoint() {
		return this.endpoint;
	}

	@Override
	public void close() {
		this.server.disposeNow(BIND_TIMEOUT);
	}

	private static Mono<Void> handle(SnsActions actions, HttpServerRequest request, HttpServerResponse response) {
		String length = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
		if (length != null && Long.parseLong(length) > MAX_REQUEST_BYTES) {
			return send(response, 413, Xml.error(SnsError.tooLarge("Request larger than " + MAX_REQUEST_BYTES)));
		}
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap((form) -> {
			if (form.length() > MAX_REQUEST_BYTES) {
				throw SnsError.tooLarge("Request larger than " + MAX_REQUEST_BYTES + " bytes");
			}
			QueryRequest query = QueryRequest.parse(form);
			return Mono.fromFuture(() -> actions.handle(query))
				.map((result) -> Xml.response(query.action(), result))
				.switchIfEmpty(Mono.fromSupplier(() -> Xml.response(query.action(), null)));
		}).flatMap((xml) -> send(response, 200, xml)).onErrorResume((failure) -> {
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (cause instanceof SnsError error) {
				return send(response, error.status(), Xml.error(error));
			}
			logger.warn("SNS stand-in failed a request", cause);
			return send(response, 500,
					"<ErrorResponse xmlns=\"" + Xml.NAMESPACE
							+ "\"><Error><Type>Receiver</Type><Code>InternalError</Code><Message>"
							+ "internal error</Message></Error></ErrorResponse>");
		});
	}

	private static Mono<Void> send(HttpServerResponse response, int status, String xml) {
		byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
		return response.status(HttpResponseStatus.valueOf(status))
			.header(HttpHeaderNames.CONTENT_TYPE, "text/xml")
			.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
			.sendByteArray(Mono.just(bytes))
			.then();
	}

}
