package io.inferq.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP stand-in for the batches API, for tests of the client's own behaviour (retries,
 * replays, refusals, exit codes); the integration test runs the real API. It keeps
 * batches by idempotency key as the API does, and answers the scripted answers first.
 */
final class StubApi implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final HttpServer server;

	private final Map<String, StubBatch> batchesByKey = new LinkedHashMap<>();

	private final Map<String, StubBatch> batchesById = new LinkedHashMap<>();

	private final List<Request> requests = new ArrayList<>();

	private final Deque<Scripted> script = new ConcurrentLinkedDeque<>();

	private Function<String, String> jobStatus = (customId) -> "SUCCEEDED";

	private BiFunction<Integer, List<String>, State> progression = this::endAtFirstPoll;

	private String batchIdPrefix = "b";

	StubApi() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/**
	 * The next requests get these answers, in order, before the stub behaves as the API.
	 */
	void thenAnswer(Function<Request, Answer> answer) {
		thenAnswer((request) -> true, answer);
	}

	/** The next request that {@code matches} gets {@code answer}. */
	void thenAnswer(Predicate<Request> matches, Function<Request, Answer> answer) {
		this.script.add(new Scripted(matches, answer));
	}

	/**
	 * Batches get the IDs {@code <prefix>1}, {@code <prefix>2}...; {@code b} by default.
	 */
	void batchIdsBeginWith(String prefix) {
		this.batchIdPrefix = prefix;
	}

	/** The status every job of a batch ends in, by customId. */
	void jobsEndAs(Function<String, String> status) {
		this.jobStatus = status;
	}

	/**
	 * How every batch moves along: its state at its n-th {@code GET}, given its
	 * customIds. By default a batch is IN_PROGRESS with every job QUEUED until its first
	 * {@code GET}, then COMPLETED with each job as {@link #jobsEndAs} says.
	 */
	void batchesProgress(BiFunction<Integer, List<String>, State> progression) {
		this.progression = progression;
	}

	private State endAtFirstPoll(int poll, List<String> customIds) {
		return (poll == 0) ? new State("IN_PROGRESS", customIds.stream().map((customId) -> "QUEUED").toList())
				: new State("COMPLETED", customIds.stream().map(this.jobStatus).toList());
	}

	synchronized List<Request> requests() {
		return List.copyOf(this.requests);
	}

	synchronized int batchesCreated() {
		return this.batchesById.size();
	}

	synchronized List<String> customIds() {
		return this.batchesById.values().stream().flatMap((batch) -> batch.customIds.stream()).toList();
	}

	private void handle(HttpExchange exchange) throws IOException {
		Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
				exchange.getRequestHeaders().getFirst("Idempotency-Key"),
				exchange.getRequestHeaders().getFirst("Content-Type"),
				new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		synchronized (this) {
			this.requests.add(request);
		}
		Scripted scripted = this.script.stream()
			.filter((entry) -> entry.matches.test(request))
			.findFirst()
			.orElse(null);
		Answer answer = (scripted != null && this.script.remove(scripted)) ? scripted.answer.apply(request)
				: answer(request);
		answer.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
		byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
		if (answer.brokenOff) {
			exchange.sendResponseHeaders(answer.status, 0);
			exchange.getResponseBody().write(body);
			exchange.getResponseBody().flush();
			// Leaves the exchange open, without its last chunk: the server drops the
			// connection.
			throw new IOException("Broken off on purpose");
		}
		try (exchange) {
			exchange.sendResponseHeaders(answer.status, (body.length == 0) ? -1 : body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
	}

	private synchronized Answer answer(Request request) {
		String path = request.path();
		if (request.method().equals("POST") && path.equals("/v1/batches")) {
			StubBatch replayed = this.batchesByKey.get(request.idempotencyKey());
			if (replayed != null) {
				return Answer.json(202, replayed.json()).header("Idempotent-Replayed", "true");
			}
			StubBatch batch = new StubBatch(this.batchIdPrefix + (this.batchesById.size() + 1));
			request.body()
				.lines()
				.forEach((line) -> batch.customIds.add(mapper.readTree(line).get("customId").asString()));
			this.batchesByKey.put(request.idempotencyKey(), batch);
			this.batchesById.put(batch.id, batch);
			return Answer.json(202, batch.json()).header("Location", "/v1/batches/" + batch.id);
		}
		String[] parts = path.split("/");
		StubBatch batch = (parts.length > 3) ? this.batchesById.get(parts[3]) : null;
		if (batch == null) {
			return Answer.problem(404, "Not Found", "No batch " + path);
		}
		if (parts.length == 5 && parts[4].equals("results")) {
			State state = batch.state();
			StringBuilder lines = new StringBuilder();
			for (int i = 0; i < batch.customIds.size(); i++) {
				lines
					.append(mapper.createObjectNode()
						.put("customId", batch.customIds.get(i))
						.put("jobId", batch.id + "-" + i)
						.put("status", state.jobs().get(i)))
					.append('\n');
			}
			return new Answer(200, Map.of("Content-Type", BatchesClient.NDJSON), lines.toString());
		}
		if (request.method().equals("DELETE")) {
			batch.cancelled = true;
		}
		else {
			batch.polls++;
		}
		return Answer.json(200, batch.json());
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	private record Scripted(Predicate<Request> matches, Function<Request, Answer> answer) {

	}

	/** A batch's status and its jobs' statuses, in item order. */
	record State(String status, List<String> jobs) {

	}

	/** A request as received. */
	record Request(String method, String path, String idempotencyKey, String contentType, String body) {

		List<String> lines() {
			return this.body.lines().toList();
		}

	}

	/**
	 * An answer to send; {@code brokenOff} sends part of a chunked body, then drops the
	 * connection.
	 */
	record Answer(int status, Map<String, String> headers, String body, boolean brokenOff) {

		Answer(int status, Map<String, String> headers, String body) {
			this(status, headers, body, false);
		}

		static Answer brokenOff(String ndjson) {
			return new Answer(200, Map.of("Content-Type", BatchesClient.NDJSON), ndjson, true);
		}

		static Answer json(int status, String json) {
			return new Answer(status, Map.of("Content-Type", "application/json"), json);
		}

		static Answer problem(int status, String title, String detail) {
			return new Answer(status, Map.of("Content-Type", "application/problem+json"),
					mapper.createObjectNode()
						.put("title", title)
						.put("status", status)
						.put("detail", detail)
						.toString());
		}

		Answer header(String name, String value) {
			Map<String, String> headers = new LinkedHashMap<>(this.headers);
			headers.put(name, value);
			return new Answer(this.status, headers, this.body, this.brokenOff);
		}

	}

	private final class StubBatch {

		private final String id;

		private final List<String> customIds = new ArrayList<>();

		private int polls;

		private boolean cancelled;

		StubBatch(String id) {
			this.id = id;
		}

		State state() {
			State state = StubApi.this.progression.apply(this.polls, this.customIds);
			return this.cancelled ? new State("CANCELLED", state.jobs()) : state;
		}

		String json() {
			State state = state();
			JsonNode counts = mapper.createObjectNode()
				.put("queued", count(state, "QUEUED"))
				.put("running", count(state, "RUNNING"))
				.put("succeeded", count(state, "SUCCEEDED"))
				.put("failed", count(state, "FAILED"))
				.put("cancelled", count(state, "CANCELLED"))
				.put("expired", count(state, "EXPIRED"));
			return mapper.createObjectNode()
				.put("id", this.id)
				.put("status", state.status())
				.put("total", this.customIds.size())
				.put("enqueuedAt", "2026-11-30T12:00:00Z")
				.set("counts", counts)
				.toString();
		}

		private static long count(State state, String status) {
			return state.jobs().stream().filter(status::equals).count();
		}

	}

}
