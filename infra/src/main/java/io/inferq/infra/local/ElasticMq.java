package io.inferq.infra.local;

import java.net.URI;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ, an in-memory SQS that speaks the SQS JSON and query protocols, in this JVM.
 * Queue ARNs look like {@code arn:aws:sqs:us-east-1:000000000000:name}.
 */
final class ElasticMq implements AutoCloseable {

	private final SQSRestServer server;

	private final URI endpoint;

	private ElasticMq(SQSRestServer server, URI endpoint) {
		this.server = server;
		this.endpoint = endpoint;
	}

	/** Starts listening on {@code host}; port 0 picks a free one. Blocks until bound. */
	static ElasticMq start(String host, int port, String region) {
		SQSRestServer server = ((port == 0) ? SQSRestServerBuilder.withDynamicPort()
				: SQSRestServerBuilder.withPort(port))
			.withInterface(host)
			.withAWSRegion(region)
			.start();
		int boundPort = server.waitUntilStarted().localAddress().getPort();
		return new ElasticMq(server, URI.create("http://" + host + ":" + boundPort));
	}

	URI endpoint() {
		return this.endpoint;
	}

	@Override
	public void close() {
		this.server.stopAndWait();
	}

}
