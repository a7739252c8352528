package io.inferq.api;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients that send a request body a byte at a time, run in a process of its own (so that
 * the test's JVM and its file limit are not what bounds them): opens {@code connections}
 * connections to 127.0.0.1, starts a {@code POST /v1/jobs} of 100,000 bytes on each, then
 * sends one more byte on each every {@code interval} until its standard input ends (the
 * test is done) or {@code max duration} has passed, and exits. Prints {@code OPEN n} once
 * all are open, and {@code DONE open n} at the end with how many the server had not
 * closed. Stops by itself, whatever happens.
 * <p>
 * {@code java io.inferq.api.SlowSenders <port> <connections> <interval ms> <max duration ms>}
 */
public final class SlowSenders {

	private SlowSenders() {
	}

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		int connections = Integer.parseInt(args[1]);
		long interval = Long.parseLong(args[2]);
		long duration = Long.parseLong(args[3]);
		AtomicBoolean done = new AtomicBoolean();
		Thread input = new Thread(() -> {
			try {
				System.in.readAllBytes();
			}
			catch (IOException ex) {
				// Ended either way.
			}
			done.set(true);
		});
		input.setDaemon(true);
		input.start();
		Thread stop = new Thread(() -> {
			try {
				Thread.sleep(duration + 15_000);
			}
			catch (InterruptedException ex) {
				return;
			}
			System.exit(2);
		});
		stop.setDaemon(true);
		stop.start();

		byte[] head = ("POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
				+ "Content-Length: 100000\r\n\r\n{")
			.getBytes(StandardCharsets.US_ASCII);
		List<Socket> sockets = new ArrayList<>(connections);
		long end = System.currentTimeMillis() + duration;
		for (int i = 0; i < connections; i++) {
			Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
			socket.getOutputStream().write(head);
			socket.getOutputStream().flush();
			sockets.add(socket);
		}
		System.out.println("OPEN " + sockets.size());
		System.out.flush();
		int open = sockets.size();
		while (!done.get() && System.currentTimeMillis() < end) {
			Thread.sleep(Math.min(interval, Math.max(1, end - System.currentTimeMillis())));
			open = 0;
			for (Socket socket : sockets) {
				if (send(socket)) {
					open++;
				}
			}
		}
		System.out.println("DONE open " + open);
		System.out.flush();
		for (Socket socket : sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// Closed already.
			}
		}
		System.exit(0);
	}

	private static boolean send(Socket socket) {
		if (socket.isClosed()) {
			return false;
		}
		try {
			OutputStream out = socket.getOutputStream();
			out.write(' ');
			out.flush();
			return true;
		}
		catch (IOException ex) {
			try {
				socket.close();
			}
			catch (IOException closing) {
				// Closed already.
			}
			return false;
		}
	}

}
