package io.inferq.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.inferq.infra.local.LocalAws;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The shared stand-ins with one of them replaced by a closed port, and nothing created at
 * start (the stand-ins have the default table and queues already).
 */
final class DownDependencies {

	private DownDependencies() {
	}

	static void register(DynamicPropertyRegistry registry, String downEndpointProperty) {
		LocalAws.shared().springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("inferq.aws.create-resources", () -> "false");
		registry.add(downEndpointProperty, () -> "http://127.0.0.1:" + closedPort());
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
