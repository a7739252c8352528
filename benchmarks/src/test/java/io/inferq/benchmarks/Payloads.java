package io.inferq.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Model inputs of a given size, as users send them: photos, bytes and JSON documents. */
final class Payloads {

	private Payloads() {
	}

	/**
	 * A JPEG of about {@code size} bytes: its markers (SOI, APP0 JFIF, EOI) around random
	 * entropy-coded bytes, which is what compressed image data looks like.
	 */
	static byte[] jpeg(int size, long seed) {
		byte[] bytes = random(size, seed);
		byte[] head = { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1,
				0, 1, 0, 0 };
		System.arraycopy(head, 0, bytes, 0, head.length);
		bytes[size - 2] = (byte) 0xFF;
		bytes[size - 1] = (byte) 0xD9;
		return bytes;
	}

	static byte[] random(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/**
	 * A pretty-printed JSON document of about {@code size} bytes whose text no parser
	 * round trip would keep: numbers beyond a double, escapes, non-ASCII and U+2028.
	 */
	static String jsonDocument(int size) {
		StringBuilder json = new StringBuilder(size + 200);
		json.append("{\n  \"price\": 1.10,\n  \"big\": 12345678901234567890.123456789,\n  \"tiny\": 1e-400,\n")
			.append("  \"text\": \"caf\\u00e9 \u2028 line\\nbreak \u00e9\",\n  \"rows\": [\n");
		for (int row = 0; json.length() < size - 100; row++) {
			json.append((row > 0) ? ",\n" : "")
				.append("    {\"n\": ")
				.append(row)
				.append(", \"v\": 0.")
				.append(row * 7919L)
				.append("000}");
		}
		return json.append("\n  ]\n}").toString();
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
