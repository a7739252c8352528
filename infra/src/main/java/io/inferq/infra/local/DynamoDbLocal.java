package io.inferq.infra.local;

import java.net.URI;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;

/**
 * DynamoDB Local, in memory, in this JVM.
 * <p>
 * {@code ServerRunner} would bind every interface and cannot tell which port it got, so
 * this builds the same handlers on a Jetty server of its own, bound to one address.
 * DynamoDB Local extracts the SQLite natives bundled in its jar by itself; no
 * {@code sqlite4java.library.path} is needed. It leaves a non-daemon thread behind when
 * stopped, so a plain {@code main} must exit explicitly.
 */
final class DynamoDbLocal implements AutoCloseable {

	private final Server server;

	private final LocalDynamoDBServerHandler handler;

	private final URI endpoint;

	private DynamoDbLocal(Server server, LocalDynamoDBServerHandler handler, URI endpoint) {
		this.server = server;
		this.handler = handler;
		this.endpoint = endpoint;
	}

	/** Starts listening on {@code host}; port 0 picks a free one. */
	static DynamoDbLocal start(String host, int port) throws Exception {
		// in memory, no database file, one database per region and credentials, no
		// artificial CREATING/DELETING delays
		LocalDynamoDBServerHandler handler = new LocalDynamoDBServerHandler(
				new LocalDynamoDBRequestHandler(0, true, null, false, false), null);
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost(host);
		connector.setPort(port);
		server.addConnector(connector);
		server.setHandler(new ContextHandler(handler));
		try {
			server.start();
		}
		catch (Exception ex) {
			handler.close();
			throw ex;
		}
		return new DynamoDbLocal(server, handler, URI.create("http://" + host + ":" + connector.getLocalPort()));
	}

	URI endpoint() {
		return this.endpoint;
	}

	@Override
	public void close() throws Exception {
		try {
			this.server.stop();
		}
		finally {
			this.handler.close();
		}
	}

}
