package io.inferq.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for requests no HTTP client would send: the
 * bytes go out as given, and the answer is read as far as it is framed.
 */
final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends {@code request} and reads one response.
	 * @param head whether the request is a HEAD, whose response has no body
	 * @param halfClose whether to close the sending side once the request is written, so
	 * that a request cut short ends at once instead of when the server times it out
	 * @return the response, or {@link Response#NONE} if the server closed the connection
	 * without one
	 */
	static Response exchange(int port, byte[] request, boolean head, boolean halfClose, Duration timeout)
			throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			try {
				out.write(request);
				out.flush();
				if (halfClose) {
					socket.shutdownOutput();
				}
			}
			catch (SocketException ex) {
				// The server closed the connection while the request was written: read
				// whatever it answered before.
			}
			return read(socket.getInputStream(), head);
		}
	}

	/** Sends the start of a request and goes away: a client that disconnects mid-body. */
	static void sendAndDisconnect(int port, byte[] partialRequest) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoLinger(true, 0);
			socket.getOutputStream().write(partialRequest);
			socket.getOutputStream().flush();
		}
	}

	private static Response read(InputStream in, boolean head) throws IOException {
		try {
			while (true) {
				String statusLine = line(in);
				if (statusLine == null) {
					return Response.NONE;
				}
				if (!statusLine.startsWith("HTTP/")) {
					// An answer to an HTTP/0.9 request: its body alone.
					byte[] rest = in.readAllBytes();
					byte[] body = new byte[statusLine.length() + rest.length];
					System.arraycopy(statusLine.getBytes(StandardCharsets.ISO_8859_1), 0, body, 0, statusLine.length());
					System.arraycopy(rest, 0, body, statusLine.length(), rest.length);
					return new Response(Response.HTTP_09, Map.of(), body);
				}
				String[] parts = statusLine.split(" ", 3);
				int status = Integer.parseInt(parts[1].trim());
				Map<String, List<String>> headers = new LinkedHashMap<>();
				for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
					int colon = line.indexOf(':');
					headers
						.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
								(name) -> new ArrayList<>())
						.add(line.substring(colon + 1).trim());
				}
				if (status == 100) {
					continue;
				}
				Response response = new Response(status, headers, new byte[0]);
				if (head || status == 204 || status == 304) {
					return response;
				}
				return new Response(status, headers, body(in, response));
			}
		}
		catch (SocketTimeoutException | SocketException ex) {
			return Response.NONE;
		}
	}

	private static byte[] body(InputStream in, Response response) throws IOException {
		String length = response.header("content-length");
		if (length != null) {
			return in.readNBytes(Integer.parseInt(length));
		}
		if ("chunked".equalsIgnoreCase(response.header("transfer-encoding"))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			for (String size = line(in); size != null; size = line(in)) {
				int chunk = Integer.parseInt(size.split(";")[0].trim(), 16);
				if (chunk == 0) {
					line(in);
					break;
				}
				body.write(in.readNBytes(chunk));
				line(in);
			}
			return body.toByteArray();
		}
		return in.readAllBytes();
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != -1; b = in.read()) {
			if (b == '\n') {
				byte[] bytes = line.toByteArray();
				int end = (bytes.length > 0 && bytes[bytes.length - 1] == '\r') ? bytes.length - 1 : bytes.length;
				return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	/**
	 * A response as read.
	 *
	 * @param status its status, 0 for {@link #NONE}, {@link #HTTP_09} for a body alone
	 * @param headers its headers, by lower-case name
	 * @param body its body
	 */
	record Response(int status, Map<String, List<String>> headers, byte[] body) {

		/** No response: the connection was closed, reset or silent. */
		static final Response NONE = new Response(0, Map.of(), new byte[0]);

		/** The status of an HTTP/0.9 answer, which has neither status nor headers. */
		static final int HTTP_09 = 9;

		/** The first value of a header, or {@code null}. */
		String header(String name) {
			List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}

		String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
