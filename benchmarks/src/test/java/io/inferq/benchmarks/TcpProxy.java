package io.inferq.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of one stand-in, which a test cuts and
 * restores to stage an outage of that service as its clients see it: while cut, new
 * connections are refused and open ones are reset; restored, the proxy listens on the
 * same port again and the stand-in behind it has kept all its data. Only the clients
 * pointed at the proxy see the outage; the stand-in itself, and anyone else using it,
 * carry on.
 */
final class TcpProxy implements AutoCloseable {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	/** How long {@link #restore()} tries to get its port back. */
	private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(5);

	private final InetSocketAddress target;

	private final int port;

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "tcp-proxy");
		thread.setDaemon(true);
		return thread;
	});

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket listener;

	private TcpProxy(InetSocketAddress target, ServerSocket listener) {
		this.target = target;
		this.listener = listener;
		this.port = listener.getLocalPort();
		accept(listener);
	}

	/** Starts a proxy on a free port in front of {@code target}'s host and port. */
	static TcpProxy start(URI target) {
		try {
			ServerSocket listener = new ServerSocket();
			listener.setReuseAddress(true);
			listener.bind(new InetSocketAddress(LOOPBACK, 0));
			return new TcpProxy(new InetSocketAddress(target.getHost(), target.getPort()), listener);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The proxy's URL, to give clients instead of the stand-in's. */
	URI endpoint() {
		return URI.create("http://" + LOOPBACK.getHostAddress() + ":" + this.port);
	}

	/**
	 * Stops listening and resets every open connection: the service is gone as far as its
	 * clients can tell.
	 */
	synchronized void cut() {
		if (this.listener == null) {
			return;
		}
		closeQuietly(this.listener);
		this.listener = null;
		this.open.forEach(TcpProxy::reset);
		this.open.clear();
	}

	/** Listens again, on the same port. */
	synchronized void restore() throws InterruptedException {
		if (this.listener != null) {
			return;
		}
		long deadline = System.nanoTime() + REBIND_TIMEOUT.toNanos();
		while (true) {
			try {
				ServerSocket listener = new ServerSocket();
				listener.setReuseAddress(true);
				listener.bind(new InetSocketAddress(LOOPBACK, this.port));
				this.listener = listener;
				accept(listener);
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Could not listen on port " + this.port + " again", ex);
				}
				Thread.sleep(50);
			}
		}
	}

	@Override
	public void close() {
		cut();
		this.threads.shutdownNow();
	}

	private void accept(ServerSocket listener) {
		this.threads.execute(() -> {
			while (!listener.isClosed()) {
				try {
					connect(listener, listener.accept());
				}
				catch (IOException ex) {
					// closed by cut(), or a client that gave up: nothing to do
				}
			}
		});
	}

	private void connect(ServerSocket acceptedBy, Socket client) {
		Socket server = new Socket();
		try {
			server.connect(this.target, 1000);
		}
		catch (IOException ex) {
			reset(client);
			closeQuietly(server);
			return;
		}
		this.open.add(client);
		this.open.add(server);
		if (acceptedBy.isClosed()) {
			// cut() while this connection was being made
			reset(client);
			reset(server);
			return;
		}
		this.threads.execute(() -> pump(client, server));
		this.threads.execute(() -> pump(server, client));
	}

	/** Copies one direction until either side ends, then ends both. */
	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// reset by cut(), or by either side
		}
		finally {
			this.open.remove(from);
			this.open.remove(to);
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	/** Closes with an RST instead of a FIN, as a host that went away does. */
	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// closed already
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// nothing more to do
		}
	}

}
