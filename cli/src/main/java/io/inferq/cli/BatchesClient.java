package io.inferq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batches API over HTTP. Every call is retried with {@link Backoff} while the API is
 * unreachable, busy (429) or unavailable (5xx), and a batch while the API is still
 * enqueueing the same idempotency key (409); it then fails with
 * {@link ApiUnavailableException}. Any other unexpected answer fails at once with an
 * {@link ApiException}.
 */
final class BatchesClient {

	static final String NDJSON = "application/x-ndjson";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "inferq-results-watchdog");
		thread.setDaemon(true);
		return thread;
	});

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI baseUrl;

	private final RetrySettings retries;

	private final RetryListener listener;

	private final String apiKey;

	/**
	 * @param apiKey the API key sent as {@code Authorization: Bearer}, or {@code null} to
	 * send none
	 */
	BatchesClient(URI baseUrl, String apiKey, RetrySettings retries, RetryListener listener) {
		this.baseUrl = baseUrl;
		this.apiKey = apiKey;
		this.retries = retries;
		this.listener = listener;
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(url(path));
		if (this.apiKey != null) {
			request.header("Authorization", "Bearer " + this.apiKey);
		}
		return request;
	}

	/**
	 * Sends a chunk as one batch: {@code POST /v1/batches} with the chunk's idempotency
	 * key, so that sending it again never creates its jobs twice.
	 * @return the batch, and whether the API replayed an earlier request with the same
	 * key
	 */
	CompletableFuture<Submitted> submit(Chunk chunk, String idempotencyKey) {
		HttpRequest request = request("/v1/batches").header("Content-Type", NDJSON)
			.header("Accept", "application/json")
			.header("Idempotency-Key", idempotencyKey)
			.timeout(this.retries.requestTimeout())
			.POST(HttpRequest.BodyPublishers.ofByteArray(chunk.body()))
			.build();
		String what = "lines " + chunk.firstFileLine() + "-" + chunk.lastFileLine();
		// 409: the same key is still being enqueued (by an earlier, interrupted run).
		return withRetries(what, () -> sendForJson(request, 202), (api) -> api.isRetryable() || api.status() == 409)
			.thenApply((response) -> new Submitted(Batch.of(json(response)),
					response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false)));
	}

	/** The batch: {@code GET /v1/batches/{id}}. */
	CompletableFuture<Batch> get(String batchId) {
		HttpRequest request = request("/v1/batches/" + batchId).header("Accept", "application/json")
			.timeout(this.retries.requestTimeout())
			.GET()
			.build();
		return withRetries("batch " + batchId, () -> sendForJson(request, 200), ApiException::isRetryable)
			.thenApply((response) -> Batch.of(json(response)));
	}

	/**
	 * The batch's progress stream, {@code GET /v1/batches/{id}/events}, as lines of
	 * Server-Sent Events, once it answered 200; close it when done.
	 * @throws ApiUnavailableException if it cannot be opened
	 */
	java.util.stream.Stream<String> events(String batchId) {
		HttpRequest request = request("/v1/batches/" + batchId + "/events").header("Accept", "text/event-stream")
			.GET()
			.build();
		try {
			java.net.http.HttpResponse<java.util.stream.Stream<String>> response = this.http.send(request,
					java.net.http.HttpResponse.BodyHandlers.ofLines());
			if (response.statusCode() != 200) {
				response.body().close();
				throw new ApiUnavailableException(
						"The progress stream of batch " + batchId + " answered " + response.statusCode(), null);
			}
			return response.body();
		}
		catch (java.io.IOException ex) {
			throw new ApiUnavailableException("The progress stream of batch " + batchId + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiUnavailableException("Interrupted while opening the progress stream of " + batchId, ex);
		}
	}

	/**
	 * Cancels the batch's jobs that have not started: {@code DELETE /v1/batches/{id}}.
	 */
	CompletableFuture<Batch> cancel(String batchId) {
		HttpRequest request = request("/v1/batches/" + batchId).header("Accept", "application/json")
			.timeout(this.retries.requestTimeout())
			.DELETE()
			.build();
		return withRetries("cancel " + batchId, () -> sendForJson(request, 200, 202), ApiException::isRetryable)
			.thenApply((response) -> Batch.of(json(response)));
	}

	/**
	 * Copies the batch's results ({@code GET /v1/batches/{id}/results}, NDJSON, one line
	 * per job) to {@code out} as they arrive. Retried until the results start; a failure
	 * while they stream is thrown as {@link ApiUnavailableException}, with part of them
	 * written.
	 */
	void results(String batchId, OutputStream out) {
		HttpRequest request = request("/v1/batches/" + batchId + "/results").header("Accept", NDJSON).GET().build();
		HttpResponse<InputStream> response = await(withRetries("results of " + batchId,
				() -> this.http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
					.thenCompose((answer) -> expect(answer, 200)),
				ApiException::isRetryable));
		try (InputStream body = response.body()) {
			copyUnlessIdle(body, out, this.retries.requestTimeout());
		}
		catch (ResultsFile.InvalidResultsException ex) {
			// Not a broken connection: fetching again would get the same.
			throw new UncheckedIOException(ex);
		}
		catch (IOException ex) {
			throw new ApiUnavailableException("The results of batch " + batchId + " broke off: " + ex, ex);
		}
	}

	/**
	 * Copies {@code body} to {@code out}, failing if no byte came for {@code idleLimit}:
	 * the HTTP client has no read timeout of its own, and a stalled stream would block
	 * forever. Closing its body stream is what wakes a blocked read (an interrupt does
	 * not).
	 */
	static void copyUnlessIdle(InputStream body, OutputStream out, Duration idleLimit) throws IOException {
		AtomicLong lastRead = new AtomicLong(System.nanoTime());
		AtomicBoolean stalled = new AtomicBoolean();
		long period = Math.max(10, idleLimit.toMillis() / 10);
		ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
			if (System.nanoTime() - lastRead.get() > idleLimit.toNanos() && stalled.compareAndSet(false, true)) {
				closeQuietly(body);
			}
		}, period, period, TimeUnit.MILLISECONDS);
		try {
			byte[] buffer = new byte[64 * 1024];
			int read;
			while ((read = body.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				lastRead.set(System.nanoTime());
			}
		}
		catch (IOException ex) {
			if (stalled.get()) {
				throw new IOException("Nothing received for " + idleLimit.toMillis() + " ms", ex);
			}
			throw ex;
		}
		finally {
			watchdog.cancel(false);
		}
		if (stalled.get()) {
			throw new IOException("Nothing received for " + idleLimit.toMillis() + " ms");
		}
	}

	private static void closeQuietly(InputStream body) {
		try {
			body.close();
		}
		catch (IOException ex) {
			// The read that fails next says what happened.
		}
	}

	/** Waits for a call of this client, unwrapping its failure. */
	static <T> T await(CompletableFuture<T> call) {
		try {
			return call.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			call.cancel(true);
			throw new CancellationRuntimeException(ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	private URI url(String path) {
		return this.baseUrl.resolve(path);
	}

	private CompletableFuture<HttpResponse<String>> sendForJson(HttpRequest request, int... expected) {
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
			.thenCompose((response) -> expect(response, expected));
	}

	private <T> CompletableFuture<HttpResponse<T>> expect(HttpResponse<T> response, int... expected) {
		for (int status : expected) {
			if (response.statusCode() == status) {
				return CompletableFuture.completedFuture(response);
			}
		}
		String body = bodyText(response);
		return CompletableFuture
			.failedFuture(new ApiException(response.statusCode(), problem(response, body), body, retryAfter(response)));
	}

	private static JsonNode json(HttpResponse<String> response) {
		try {
			return mapper.readTree(response.body());
		}
		catch (JacksonException ex) {
			throw new ApiException(response.statusCode(), null, response.body(), null);
		}
	}

	private static String bodyText(HttpResponse<?> response) {
		if (response.body() instanceof String text) {
			return text;
		}
		if (response.body() instanceof InputStream stream) {
			try (stream) {
				return new String(stream.readNBytes(64 * 1024), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return "";
			}
		}
		return "";
	}

	private static JsonNode problem(HttpResponse<?> response, String body) {
		String contentType = response.headers().firstValue("Content-Type").orElse("");
		if (!contentType.contains("json") || body.isBlank()) {
			return null;
		}
		try {
			JsonNode json = mapper.readTree(body);
			return json.isObject() ? json : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** {@code Retry-After} in seconds or as an HTTP date; {@code null} if absent. */
	static Duration retryAfter(HttpResponse<?> response) {
		return response.headers().firstValue("Retry-After").map(BatchesClient::parseRetryAfter).orElse(null);
	}

	static Duration parseRetryAfter(String value) {
		String text = value.strip();
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
		}
		catch (NumberFormatException notSeconds) {
			try {
				Duration until = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	private <T> CompletableFuture<T> withRetries(String what, Supplier<CompletableFuture<T>> attempt,
			Predicate<ApiException> retryable) {
		CompletableFuture<T> result = new CompletableFuture<>();
		attempt(what, attempt, retryable, this.retries.backoff(), result);
		return result;
	}

	private <T> void attempt(String what, Supplier<CompletableFuture<T>> attempt, Predicate<ApiException> retryable,
			Backoff backoff, CompletableFuture<T> result) {
		if (result.isDone()) {
			return;
		}
		attempt.get().whenComplete((value, failure) -> {
			if (failure == null) {
				result.complete(value);
				return;
			}
			Throwable cause = unwrap(failure);
			if (cause instanceof ApiException api && !retryable.test(api)) {
				result.completeExceptionally(api);
				return;
			}
			if (!(cause instanceof ApiException) && !(cause instanceof IOException)) {
				result.completeExceptionally(cause);
				return;
			}
			Duration delay = backoff.nextDelay((cause instanceof ApiException api) ? api.retryAfter() : null);
			if (delay == null) {
				result.completeExceptionally(new ApiUnavailableException("Gave up on " + what + " at " + this.baseUrl
						+ " after " + backoff.retries() + " retries: " + reason(cause), cause));
				return;
			}
			this.listener.retrying(what, reason(cause), delay);
			CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS)
				.execute(() -> attempt(what, attempt, retryable, backoff, result));
		});
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String reason(Throwable cause) {
		if (cause instanceof ApiException) {
			return cause.getMessage();
		}
		if (cause instanceof ConnectException) {
			return "connection refused";
		}
		String message = cause.getMessage();
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * A batch the API accepted.
	 *
	 * @param batch the batch
	 * @param replayed whether the API answered with the batch of an earlier request with
	 * the same idempotency key, creating nothing
	 */
	record Submitted(Batch batch, boolean replayed) {

	}

	/** Told of every retry, to show it. */
	@FunctionalInterface
	interface RetryListener {

		void retrying(String what, String reason, Duration delay);

	}

	/**
	 * How calls are retried.
	 *
	 * @param initialDelay the first delay
	 * @param maxDelay the longest delay
	 * @param budget how long to keep trying one call
	 * @param requestTimeout how long one attempt may take
	 */
	record RetrySettings(Duration initialDelay, Duration maxDelay, Duration budget, Duration requestTimeout) {

		Backoff backoff() {
			return new Backoff(this.initialDelay, this.maxDelay, this.budget);
		}

	}

	/** The calling thread was interrupted while waiting for the API. */
	static final class CancellationRuntimeException extends RuntimeException {

		CancellationRuntimeException(InterruptedException cause) {
			super("Interrupted", cause);
		}

	}

}
