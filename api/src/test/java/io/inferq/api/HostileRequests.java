package io.inferq.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import io.inferq.batch.BatchId;
import io.inferq.job.JobId;

/**
 * Generates malformed and hostile requests of seven kinds, as raw bytes, from a seeded
 * {@link Random}: the same seed gives the same requests. Each kind varies one part of a
 * request and keeps the rest plausible, so that the part reaches the code that reads it.
 */
final class HostileRequests {

	/** The part of a request a case varies. */
	enum Kind {

		METHOD, PATH, QUERY, HEADERS, FRAMING, ENCODING, BODY

	}

	/** How a case is sent. */
	enum Send {

		/** Written whole; the answer is read. */
		NORMAL,
		/** A HEAD: the answer has no body. */
		HEAD,
		/** Written, then the sending side closed: a request cut short ends at once. */
		HALF_CLOSE,
		/** Written in part, then the connection dropped: a client gone mid-request. */
		DISCONNECT

	}

	/**
	 * One generated request.
	 *
	 * @param kind what it varies
	 * @param label what it is, for the report
	 * @param bytes what goes on the wire
	 * @param send how it goes
	 */
	record Case(Kind kind, String label, byte[] bytes, Send send) {

		/** The request as text, with bytes outside printable ASCII escaped, cut short. */
		String shown() {
			StringBuilder shown = new StringBuilder();
			for (int i = 0; i < Math.min(this.bytes.length, 400); i++) {
				int b = this.bytes[i] & 0xFF;
				shown.append((b >= 0x20 && b < 0x7F) ? String.valueOf((char) b) : String.format("\\x%02x", b));
			}
			return shown + ((this.bytes.length > 400) ? "...(" + this.bytes.length + " bytes)" : "");
		}

	}

	private static final String JSON = "application/json";

	private static final String NDJSON = "application/x-ndjson";

	private final Random random;

	private final String jobId;

	private final String batchId;

	/**
	 * @param jobId a job that exists
	 * @param batchId a batch that exists, with jobs
	 */
	HostileRequests(long seed, String jobId, String batchId) {
		this.random = new Random(seed);
		this.jobId = jobId;
		this.batchId = batchId;
	}

	Case next(Kind kind) {
		return switch (kind) {
			case METHOD -> method();
			case PATH -> path();
			case QUERY -> query();
			case HEADERS -> headers();
			case FRAMING -> framing();
			case ENCODING -> encoding();
			case BODY -> body();
		};
	}

	private Case method() {
		String method = pick("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND",
				"FOO", "get", "Post", "M-SEARCH", "G\u00c9T", "GE(T", "", "X".repeat(300), token(8));
		String target = anyTarget();
		boolean withBody = this.random.nextBoolean();
		byte[] request = withBody ? request(method, target, List.of("Content-Type: " + JSON), validJob())
				: request(method, target, List.of(), (String) null);
		return new Case(Kind.METHOD, method + " " + target, request, "HEAD".equals(method) ? Send.HEAD : Send.NORMAL);
	}

	private Case path() {
		int segments = 1 + this.random.nextInt(5);
		StringBuilder path = new StringBuilder();
		for (int i = 0; i < segments; i++) {
			path.append('/')
				.append(pick(() -> "v1", () -> "jobs", () -> "batches", () -> "result", () -> "results", () -> "..",
						() -> ".", () -> "", () -> "%2e%2e", () -> "%2F", () -> "%00", () -> "%ff", () -> "%",
						() -> "%zz", () -> ";jsessionid=x", () -> "a;b=c", () -> "~", () -> "*", () -> "%C3%A9",
						() -> "\u00e9", () -> "\\", () -> "%5C", () -> "{id}", () -> "%252e", () -> "x".repeat(3000),
						() -> this.jobId, () -> this.batchId, () -> JobId.random().value(), () -> token(12),
						() -> "actuator", () -> "health", () -> "swagger-ui", () -> "v3", () -> "api-docs",
						() -> "error", () -> "\u0001", () -> " "));
		}
		if (this.random.nextInt(4) == 0) {
			path.append('/');
		}
		String method = pick("GET", "GET", "DELETE", "POST", "HEAD");
		byte[] request = "POST".equals(method)
				? request(method, path.toString(), List.of("Content-Type: " + JSON), validJob())
				: request(method, path.toString(), List.of(), (String) null);
		return new Case(Kind.PATH, method + " " + path, request, "HEAD".equals(method) ? Send.HEAD : Send.NORMAL);
	}

	private Case query() {
		String path = pick("/v1/batches/" + this.batchId + "/jobs", "/v1/batches/" + BatchId.random() + "/jobs",
				"/v1/batches/" + this.batchId, "/v1/batches/" + this.batchId + "/results", "/v1/jobs/" + this.jobId,
				"/v1/jobs/" + this.jobId + "/result", "/actuator/health", "/v3/api-docs");
		String query;
		if (this.random.nextInt(10) == 0) {
			query = IntStream.range(0, 90 + this.random.nextInt(100))
				.mapToObj((i) -> "p" + i + "=" + i)
				.collect(Collectors.joining("&"));
		}
		else {
			int count = 1 + this.random.nextInt(4);
			List<String> parameters = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				String name = pick("limit", "limit", "status", "pageToken", "", "%ff", "lim%69t", "a%00b", token(5));
				String value = pick(() -> "1", () -> "100", () -> "101", () -> "0", () -> "-1",
						() -> "99999999999999999999", () -> "x", () -> "", () -> "%ff", () -> "%", () -> "%zz",
						() -> "+", () -> "%2B", () -> "queued", () -> "QUEUED", () -> "succeeded", () -> "nope",
						() -> "%C3%A9", () -> "%ED%A0%80", () -> "%00",
						() -> Base64.getUrlEncoder().encodeToString(bytes(12)), () -> "x".repeat(5000), () -> "1,2",
						() -> "1e3", () -> "%C0%AF");
				parameters.add(this.random.nextInt(8) == 0 ? name : name + "=" + value);
			}
			query = String.join(pick("&", "&", "&&", ";"), parameters);
		}
		String target = path + "?" + query;
		return new Case(Kind.QUERY, "GET " + shorten(target), request("GET", target, List.of(), (String) null),
				Send.NORMAL);
	}

	private Case headers() {
		List<String> headers = new ArrayList<>();
		String label = pick(
				() -> "Accept: "
						+ pick("foo", "*/*;q=x", "text/html", "application/json;q=0", "application/problem+json", "",
								"a/b/c", "application/json, */*", "x".repeat(8000), "*/*;q=0.5"),
				() -> "Idempotency-Key: " + pick("", "k".repeat(256), "\u00c3\u00a9t\u00e9", "\t", token(20)),
				() -> "Accept-Charset: " + pick("\u00ff", "utf-16", "x;q=y"), () -> "Range: bytes=" + pick("0-1", "x"),
				() -> "Expect: " + pick("100-continue", "200-ok", ""),
				() -> "Host: " + pick("", "a b", "[::1", ":99999"),
				() -> "Origin: " + pick("null", "http://evil", "\u00ff"), () -> "Cookie: " + token(300),
				() -> "X-Forwarded-For: " + pick("1.2.3.4, evil", "\u00ff"), () -> "Transfer-Encoding: chunked",
				() -> "If-None-Match: " + pick("*", "\"x\"", "junk"),
				() -> "Content-Type: " + pick("foo", "application/json; charset=utf-16", "application/json;;",
						"application/json; x=\"", "text/plain", "multipart/form-data; boundary=x",
						"application/x-www-form-urlencoded", NDJSON, "application/JSON; charset=UTF-8"),
				() -> "many headers", () -> "X-Big: " + "x".repeat(20 * 1024), () -> "Bad Name: x",
				() -> "X-Ctl: a\u0000b", () -> "X-Del: a\u007fb", () -> ": empty name");
		if (label.equals("many headers")) {
			IntStream.range(0, 120).forEach((i) -> headers.add("X-H" + i + ": " + i));
		}
		else {
			headers.add(label);
		}
		String target = pick("/v1/jobs", "/v1/jobs/" + this.jobId, "/v1/jobs/" + this.jobId + "/result",
				"/v1/batches/" + this.batchId + "/jobs", "/v1/batches");
		boolean post = target.equals("/v1/jobs") || target.equals("/v1/batches");
		if (post && headers.stream().noneMatch((header) -> header.startsWith("Content-Type"))) {
			headers.add("Content-Type: " + (target.equals("/v1/jobs") ? JSON : NDJSON));
		}
		if (label.startsWith("Transfer-Encoding")) {
			return new Case(Kind.HEADERS, label, concat(headLines("GET", target, headers), "0\r\n\r\n"), Send.NORMAL);
		}
		String body = post ? (target.equals("/v1/jobs") ? validJob() : validItems(1 + this.random.nextInt(3))) : null;
		return new Case(Kind.HEADERS, shorten(label) + " on " + target,
				request(post ? "POST" : "GET", target, headers, body), Send.NORMAL);
	}

	private Case framing() {
		String job = validJob();
		int length = job.getBytes(StandardCharsets.UTF_8).length;
		String jsonType = "Content-Type: " + JSON + "\r\n";
		String host = "Host: 127.0.0.1\r\nConnection: close\r\n";
		String post = "POST /v1/jobs HTTP/1.1\r\n" + host + jsonType;
		String chunk = Integer.toHexString(length) + "\r\n" + job + "\r\n";
		return pick(() -> framed("no version", "GET /\r\n\r\n", Send.HALF_CLOSE),
				() -> framed("HTTP/2.0", "GET /v1/jobs/" + this.jobId + " HTTP/2.0\r\n" + host + "\r\n"),
				() -> framed("HTTP/1.2", "GET / HTTP/1.2\r\n" + host + "\r\n"),
				() -> framed("HTTP/1.0 without Host", "GET /v1/jobs/" + this.jobId + " HTTP/1.0\r\n\r\n"),
				() -> framed("lower-case version", "GET / http/1.1\r\n" + host + "\r\n"),
				() -> framed("extra token", "GET / HTTP/1.1 x\r\n" + host + "\r\n"),
				() -> framed("double spaces", "GET  /  HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("LF line ends",
						"GET /v1/jobs/" + this.jobId + " HTTP/1.1\nHost: x\nConnection: close\n\n"),
				() -> framed("CR line ends", "GET / HTTP/1.1\rHost: x\r\r", Send.HALF_CLOSE),
				() -> framed("no blank line", "GET / HTTP/1.1\r\n" + host, Send.HALF_CLOSE),
				() -> framed("request line of 20 KB",
						"GET /" + "a".repeat(20 * 1024) + " HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("NUL in request line", "GET /\u0000 HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("obs-fold", "GET / HTTP/1.1\r\n" + host + "X: a\r\n b\r\n\r\n"),
				() -> framed("absolute form",
						"GET http://evil.example/v1/jobs/" + this.jobId + " HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("asterisk GET", "GET * HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("CONNECT", "CONNECT 127.0.0.1:443 HTTP/1.1\r\n" + host + "\r\n"),
				() -> framed("negative length", post + "Content-Length: -1\r\n\r\n" + job),
				() -> framed("length not a number", post + "Content-Length: 1x\r\n\r\n" + job),
				() -> framed("length with plus", post + "Content-Length: +" + length + "\r\n\r\n" + job),
				() -> framed("two lengths",
						post + "Content-Length: " + length + "\r\nContent-Length: " + (length + 1) + "\r\n\r\n" + job),
				() -> framed("length list", post + "Content-Length: " + length + ", " + length + "\r\n\r\n" + job),
				() -> framed("huge length", post + "Content-Length: 99999999999999999999\r\n\r\n" + job),
				() -> framed("length and chunked",
						post + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\n\r\n"),
				() -> framed("chunked twice",
						post + "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunk + "0\r\n\r\n"),
				() -> framed("gzip coding", post + "Transfer-Encoding: gzip\r\n\r\n" + job, Send.HALF_CLOSE),
				() -> framed("unknown coding", post + "Transfer-Encoding: xchunked\r\n\r\n" + job, Send.HALF_CLOSE),
				() -> framed("bad chunk size",
						post + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + job + "\r\n0\r\n\r\n"),
				() -> framed("negative chunk size", post + "Transfer-Encoding: chunked\r\n\r\n-1\r\n\r\n0\r\n\r\n"),
				() -> framed("chunk size overflow",
						post + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nx\r\n0\r\n\r\n"),
				() -> framed("chunk without its CRLF",
						post + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(length) + "\r\n" + job
								+ "0\r\n\r\n",
						Send.HALF_CLOSE),
				() -> framed("chunk extension",
						post + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(length) + ";x=\"y\"\r\n" + job
								+ "\r\n0\r\n\r\n"),
				() -> framed("trailer", post + "Transfer-Encoding: chunked\r\n\r\n" + chunk + "0\r\nX-T: 1\r\n\r\n"),
				() -> framed("no last chunk", post + "Transfer-Encoding: chunked\r\n\r\n" + chunk, Send.HALF_CLOSE),
				() -> framed("body shorter than its length",
						post + "Content-Length: " + (length + 40) + "\r\n\r\n" + job, Send.HALF_CLOSE),
				() -> framed("body longer than its length",
						post + "Content-Length: " + length + "\r\n\r\n" + job + "GARBAGE\r\n\r\n"),
				() -> framed("pipelined garbage",
						"GET /v1/jobs/" + this.jobId + " HTTP/1.1\r\nHost: x\r\n\r\n" + "\u0000\u00ff\r\n\r\n",
						Send.HALF_CLOSE),
				() -> framed("expect continue",
						post + "Expect: 100-continue\r\nContent-Length: " + length + "\r\n\r\n" + job),
				() -> new Case(Kind.FRAMING, "client gone mid-body",
						bytes(post + "Content-Length: " + (length * 3) + "\r\n\r\n" + job), Send.DISCONNECT),
				() -> new Case(Kind.FRAMING, "client gone mid-batch",
						bytes("POST /v1/batches HTTP/1.1\r\n" + host + "Content-Type: " + NDJSON
								+ "\r\nContent-Length: 100000\r\n\r\n" + validItems(6 + this.random.nextInt(20))),
						Send.DISCONNECT),
				() -> new Case(Kind.FRAMING, "client gone mid-headers", bytes("GET /v1/jobs HTTP/1.1\r\nHo"),
						Send.DISCONNECT));
	}

	private Case encoding() {
		return pick(() -> encoded("lone continuation byte", bytes("{\"input\": \"a"), new byte[] { (byte) 0x80 }),
				() -> encoded("truncated sequence", bytes("{\"input\": \"a"), new byte[] { (byte) 0xC3 }),
				() -> encoded("overlong slash", bytes("{\"input\": \"a"), new byte[] { (byte) 0xC0, (byte) 0xAF }),
				() -> encoded("CESU surrogate", bytes("{\"input\": \"a"),
						new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }),
				() -> encoded("byte FF", bytes("{\"input\": \"a"), new byte[] { (byte) 0xFF }),
				() -> new Case(Kind.ENCODING, "UTF-16",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON),
								validJob().getBytes(pick(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
										StandardCharsets.UTF_16BE))),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "UTF-8 byte order mark",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON),
								concat(new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF }, bytes(validJob()))),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "Latin-1 text",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON + "; charset=iso-8859-1"),
								"{\"input\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1)),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "gzip content coding",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON, "Content-Encoding: gzip"),
								gzip(validJob())),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "escaped lone surrogate in metadata",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON),
								"{\"input\": 1, \"metadata\": {\"a\": \"\\udc00\"}}"),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "escaped NUL in metadata",
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON),
								"{\"input\": 1, \"metadata\": {\"a\": \"\\u0000\"}}"),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING,
						"base64 " + pick("URL-safe", "unpadded", "with line breaks", "not base64"),
						request("POST", "/v1/jobs", List.of("Content-Type: " + JSON),
								"{\"inputBase64\": \"" + pick("-_-_", "QUJD", "QU\\nJD", "QUJD=", "@@@@", "====")
										+ "\", \"contentType\": \"image/png\"}"),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "percent-encoded bad UTF-8 in path",
						request("GET", "/v1/jobs/" + pick("%C3", "%ED%A0%80", "%C0%AF", "%FF%FE", "%E2%82"), List.of(),
								(String) null),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "bad UTF-8 in an NDJSON line",
						request("POST", "/v1/batches", List.of("Content-Type: " + NDJSON),
								concat(bytes(validItems(this.random.nextInt(12))),
										concat(bytes("{\"customId\": \"x\", \"input\": \""),
												new byte[] { (byte) 0xC3, '"', '}', '\n' }))),
						Send.NORMAL),
				() -> new Case(Kind.ENCODING, "UTF-16 JSON batch",
						request("POST", "/v1/batches", List.of("Content-Type: " + JSON),
								("{\"items\": [" + String.join(",", validItems(2).split("\n")) + "]}")
									.getBytes(StandardCharsets.UTF_16)),
						Send.NORMAL));
	}

	private Case body() {
		return pick(() -> {
			String job = validJob();
			String mutated = switch (this.random.nextInt(6)) {
				case 0 -> job.substring(0, this.random.nextInt(job.length()));
				case 1 -> flip(job);
				case 2 -> job.replace("}", "," + pick("\"input\": 2", "\"x\": 1", "\"metadata\": []", "") + "}");
				case 3 -> "{\"input\": " + "[".repeat(400 + this.random.nextInt(1000))
						+ "]".repeat(this.random.nextInt(1000)) + "}";
				case 4 -> "{\"input\": " + "9".repeat(500 + this.random.nextInt(2000)) + "}";
				default -> pick("", " ", "null", "[]", "\"x\"", "{}", "{\"input\": null}", "{\"timeToStart\": 1}",
						"{\"input\": \"" + "x".repeat(9 * 1024) + "\"}", "{\"input\": 1, \"accept\": \"*/\"}",
						"{\"input\": 1, \"metadata\": {" + IntStream.range(0, 20)
							.mapToObj((i) -> "\"k" + i + "\": \"v\"")
							.collect(Collectors.joining(",")) + "}}");
			};
			return new Case(Kind.BODY, "job: " + shorten(mutated),
					request("POST", "/v1/jobs", List.of("Content-Type: " + JSON), mutated), Send.NORMAL);
		}, () -> {
			int valid = this.random.nextInt(24);
			String defect = pick("{\"customId\": \"x\", \"input\": }", "{\"customId\": \"item-0\", \"input\": 1}",
					"{\"input\": 1}", "{\"customId\": \"y\"}", "[1]",
					"{\"customId\": \"z\", \"input\": \"" + "x".repeat(12 * 1024) + "\"}",
					"{\"customId\": \"w\", \"input\": 1, \"extra\": 2}", "{\"customId\": \"v\", \"input\": 1} 2",
					validItems(30));
			String body = validItems(valid) + defect + "\n" + validItems(this.random.nextInt(3));
			return new Case(Kind.BODY, "NDJSON batch, defect after " + valid + " items: " + shorten(defect),
					request("POST", "/v1/batches", List.of("Content-Type: " + NDJSON), body), Send.NORMAL);
		}, () -> {
			List<String> items = new ArrayList<>(List.of(validItems(1 + this.random.nextInt(12)).split("\n")));
			items.add(this.random.nextInt(items.size() + 1),
					pick("1", "null", "{\"customId\": \"a\"}", "{\"customId\": \"item-0\", \"input\": 1}"));
			String body = pick("{\"items\": [" + String.join(",", items) + "]}",
					"{\"items\": [" + String.join(",", items) + "], \"x\": 1}", "{\"items\": {}}",
					"{\"metadata\": {\"a\": 1}, \"items\": []}", "{\"items\": [",
					"{\"items\": [" + "1,".repeat(40 * 1024) + "1]}");
			return new Case(Kind.BODY, "JSON batch: " + shorten(body),
					request("POST", "/v1/batches", List.of("Content-Type: " + JSON), body), Send.NORMAL);
		});
	}

	private Case framed(String label, String request) {
		return framed(label, request, Send.NORMAL);
	}

	private Case framed(String label, String request, Send send) {
		return new Case(Kind.FRAMING, label, bytes(request), send);
	}

	private Case encoded(String label, byte[] start, byte[] bad) {
		byte[] body = concat(concat(start, bad), bytes("b\"}"));
		return new Case(Kind.ENCODING, label, request("POST", "/v1/jobs", List.of("Content-Type: " + JSON), body),
				Send.NORMAL);
	}

	private String anyTarget() {
		return pick("/v1/jobs", "/v1/jobs/" + this.jobId, "/v1/jobs/" + this.jobId + "/result",
				"/v1/jobs/" + JobId.random(), "/v1/batches", "/v1/batches/" + this.batchId,
				"/v1/batches/" + this.batchId + "/jobs", "/v1/batches/" + BatchId.random() + "/results", "/",
				"/actuator/health", "/v3/api-docs", "*");
	}

	/** A valid job request. */
	private String validJob() {
		return pick("{\"input\": {\"inputs\": \"" + token(6) + "\"}}",
				"{\"input\": 1, \"metadata\": {\"k\": \"" + token(4) + "\"}, \"timeToStart\": 60}",
				"{\"inputBase64\": \"" + Base64.getEncoder().encodeToString(bytes(6)) + "\", \"contentType\": "
						+ "\"image/png\"}");
	}

	/** {@code count} valid NDJSON items, each on its line, customIds item-0... */
	private static String validItems(int count) {
		return IntStream.range(0, count)
			.mapToObj((i) -> "{\"customId\": \"item-" + i + "\", \"input\": {\"n\": " + i + "}}\n")
			.collect(Collectors.joining());
	}

	private static byte[] request(String method, String target, List<String> headers, String body) {
		return request(method, target, headers, (body != null) ? bytes(body) : null);
	}

	private static byte[] request(String method, String target, List<String> headers, byte[] body) {
		List<String> all = new ArrayList<>(headers);
		if (body != null) {
			all.add("Content-Length: " + body.length);
		}
		byte[] head = headLines(method, target, all);
		return (body != null) ? concat(head, body) : head;
	}

	private static byte[] headLines(String method, String target, List<String> headers) {
		StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
		if (headers.stream().noneMatch((header) -> header.startsWith("Host:"))) {
			head.append("Host: 127.0.0.1\r\n");
		}
		head.append("Connection: close\r\n");
		headers.forEach((header) -> head.append(header).append("\r\n"));
		return bytes(head.append("\r\n").toString());
	}

	/** The text's characters as bytes, one each: U+0080 to U+00FF go out as raw bytes. */
	private static byte[] bytes(String text) {
		boolean latin1 = text.chars().allMatch((c) -> c < 0x100);
		return text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private static byte[] concat(byte[] first, String second) {
		return concat(first, bytes(second));
	}

	private static byte[] gzip(String text) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
			gzip.write(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	private String flip(String text) {
		char[] chars = text.toCharArray();
		int at = this.random.nextInt(chars.length);
		chars[at] = (char) (32 + this.random.nextInt(95));
		return new String(chars);
	}

	private String token(int length) {
		return this.random.ints(length, 'a', 'z' + 1)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
	}

	private byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private static String shorten(String text) {
		return (text.length() > 80) ? text.substring(0, 80) + "...(" + text.length() + ")" : text;
	}

	@SafeVarargs
	private <T> T pick(T... choices) {
		return choices[this.random.nextInt(choices.length)];
	}

	@SafeVarargs
	private <T> T pick(Supplier<T>... choices) {
		return choices[this.random.nextInt(choices.length)].get();
	}

}
