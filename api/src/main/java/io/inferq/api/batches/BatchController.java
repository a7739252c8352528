package io.inferq.api.batches;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.eta.Estimates;
import io.inferq.api.webhooks.Callbacks;
import io.inferq.api.idempotency.IdempotencyKey;
import io.inferq.api.security.Caller;
import io.inferq.api.watch.BatchProgress;
import io.inferq.api.watch.LongPolls;
import io.inferq.api.web.RetryAfter;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.job.JobStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.WebAsyncUtils;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The batch API: many jobs enqueued in one request, followed as a whole, listed, exported
 * and cancelled together.
 */
@RestController
@RequestMapping(BatchService.PATH)
@Tag(name = "Batches", description = "Many jobs enqueued in one request (JSON, or NDJSON streamed for large "
		+ "batches), with counts per job status, a paginated listing, an NDJSON results export and cancellation. "
		+ "Errors are RFC 9457 problem details (application/problem+json). Another tenant's batch, and its "
		+ "jobs, are answered like unknown ones, with 404.")
class BatchController {

	static final String NDJSON = "application/x-ndjson";

	private final BatchService batches;

	private final ApiProperties properties;

	private final Callbacks callbacks;

	private final LongPolls longPolls;

	private final BatchProgress progress;

	private final Estimates estimates;

	BatchController(BatchService batches, ApiProperties properties, Callbacks callbacks, LongPolls longPolls,
			BatchProgress progress, Estimates estimates) {
		this.callbacks = callbacks;
		this.batches = batches;
		this.longPolls = longPolls;
		this.progress = progress;
		this.estimates = estimates;
		this.properties = properties;
	}

	@PostMapping(consumes = { MediaType.APPLICATION_JSON_VALUE, NDJSON }, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Enqueue a batch",
			description = "Each item is a job request with a 'customId' unique within the batch: 'input' (any JSON) "
					+ "or 'inputBase64' with 'contentType', and optionally 'accept', 'metadata' and 'timeToStart', "
					+ "by the rules of POST /v1/jobs. Send application/json ({\"items\": [...], \"metadata\": {...}}, "
					+ "read whole, up to a size limit) or application/x-ndjson (one item per line, streamed; blank "
					+ "lines are skipped). The answer comes once every item is a queued job; a batch with a bad item "
					+ "is refused whole (its FAILED record names the line) and none of its jobs runs. Job IDs are "
					+ "<batchId>-<n>, n the item's 0-based position.",
			requestBody = @RequestBody(required = true, content = {
					@Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							examples = @ExampleObject(name = "JSON batch",
									value = "{\"items\": [{\"customId\": \"a-1\", \"input\": {\"inputs\": \"Hello\"}}, "
											+ "{\"customId\": \"a-2\", \"inputBase64\": \"iVBORw0KGgo=\", "
											+ "\"contentType\": \"image/png\"}], \"metadata\": {\"run\": \"42\"}}")),
					@Content(mediaType = NDJSON, schema = @Schema(type = "string"),
							examples = @ExampleObject(name = "NDJSON batch",
									value = "{\"customId\": \"a-1\", \"input\": {\"inputs\": \"Hello\"}}\n"
											+ "{\"customId\": \"a-2\", \"input\": {\"inputs\": \"World\"}}\n")) }))
	@ApiResponse(responseCode = "202",
			description = "Every item is a queued job; or, for a retry under the same Idempotency-Key, the batch the "
					+ "first request enqueued",
			headers = { @Header(name = HttpHeaders.LOCATION, description = "The batch"),
					@Header(name = IdempotencyKey.REPLAYED_HEADER,
							description = "'true' when the answer is the batch of an earlier request with the key") })
	@ApiResponse(responseCode = "400",
			description = "Not a valid batch (no items, a bad item, a duplicate customId) or Idempotency-Key; the "
					+ "detail says what to fix and 'line' where")
	@ApiResponse(responseCode = "409",
			description = "A request with the same Idempotency-Key is still being enqueued; retry after Retry-After")
	@ApiResponse(responseCode = "413", description = "Too many items, an item too large, or a JSON body too large")
	@ApiResponse(responseCode = "415", description = "The body is neither application/json nor application/x-ndjson")
	@ApiResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request")
	@ApiResponse(responseCode = "429",
			description = "Over the tenant's quota: too many submits a second ('limit': 'submits'; nothing stored), "
					+ "or more items than the tenant may still queue ('limit': 'queued'; the batch is FAILED); "
					+ "retry after Retry-After")
	@ApiResponse(responseCode = "503",
			description = "The job store or queue is unavailable; the batch is FAILED, retry after Retry-After")
	ResponseEntity<BatchResponse> enqueue(@AuthenticationPrincipal Caller caller, InputStream body,
			@Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) String contentType,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_LENGTH,
					required = false) Long contentLength,
			@Parameter(description = "Makes retries safe: a retry with the same key and body gets the first "
					+ "request's batch; 1 to 255 printable ASCII characters") @RequestHeader(
							name = IdempotencyKey.HEADER, required = false) String idempotencyKey,
			@Parameter(description = "Where the batch's batch.completed webhook goes once every job has ended "
					+ "(http or https, at most 2048 characters); default: your endpoint (GET /v1/webhook), if set") @RequestParam(
							required = false) String callbackUrl)
			throws IOException {
		URI callback = this.callbacks.parse(callbackUrl);
		BatchService.Accepted accepted = this.batches.enqueue(caller, MediaType.parseMediaType(contentType),
				contentType, body, (contentLength != null) ? contentLength : -1, IdempotencyKey.of(idempotencyKey),
				callback);
		ResponseEntity.BodyBuilder response = ResponseEntity.accepted()
			.location(URI.create(BatchService.PATH + "/" + accepted.batch().id()));
		if (accepted.replayed()) {
			response.header(IdempotencyKey.REPLAYED_HEADER, "true");
		}
		else {
			this.estimates.queued(true, accepted.batch().total());
		}
		return response.body(BatchResponse.of(accepted.batch(), this.estimates.completionOf(accepted.batch())));
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Get a batch",
			description = "Its status and how many of its jobs are in each status, from counters kept with the jobs. "
					+ "With 'wait', a long poll: the answer comes as soon as the batch ends (COMPLETED, CANCELLED, "
					+ "FAILED; a cancelled batch once every job of it has ended too), or once the wait is over with "
					+ "the batch as it is then.")
	@ApiResponse(responseCode = "200", description = "The batch; Retry-After until it has ended")
	@ApiResponse(responseCode = "400", description = "A 'wait' that is not a number of seconds up to 20")
	@ApiResponse(responseCode = "404", description = "No such batch")
	@ApiResponse(responseCode = "503",
			description = "The batch store is unavailable, or this server has as many waiting requests as it may; "
					+ "retry after Retry-After")
	CompletableFuture<ResponseEntity<BatchResponse>> get(@AuthenticationPrincipal Caller caller,
			@PathVariable String id,
			@Parameter(description = "Long poll: wait up to this long for the batch to end; whole seconds (20 or "
					+ "20s) or milliseconds (500ms), at most 20s") @RequestParam(required = false) String wait,
			HttpServletRequest request) {
		Duration waitFor = this.longPolls.waitOf(wait);
		BatchId batchId = batchId(id);
		CompletableFuture<Batch> found = this.batches.find(caller.tenant(), batchId);
		if (!waitFor.isZero()) {
			WebAsyncUtils.getAsyncManager(request)
				.getAsyncWebRequest()
				.setTimeout(this.longPolls.requestTimeout(waitFor).toMillis());
			found = found.thenCompose((batch) -> batch.hasEnded() ? CompletableFuture.completedFuture(batch)
					: this.longPolls.untilBatchEnds(batchId, waitFor)
						.thenCompose((ended) -> ended.isPresent() ? CompletableFuture.completedFuture(ended.get())
								: this.batches.find(caller.tenant(), batchId)));
		}
		return found.thenApply(this::batch);
	}

	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(summary = "Follow a batch's progress",
			description = "Server-Sent Events: 'progress' events when its counts change, at most one a second, and "
					+ "a final 'end' event once it has ended (a cancelled batch once every job of it has ended too, so that "
					+ "'end' carries the final counts), after which the stream completes. Both carry JSON: "
					+ "{\"batchId\", \"status\", \"counts\" (as in the batch), \"total\", \"ratePerSecond\" (jobs "
					+ "ending per second), \"estimatedCompletionAt\" (ISO-8601, or null)}. A stream lasts at most "
					+ "30 minutes; reconnect to go on.")
	@ApiResponse(responseCode = "200", description = "The stream",
			content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "404", description = "No such batch")
	@ApiResponse(responseCode = "503",
			description = "The batch store is unavailable, or this server streams as many batches as it may; retry "
					+ "after Retry-After")
	SseEmitter events(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		return this.progress.subscribe(this.batches.findNow(caller.tenant(), batchId(id)));
	}

	@GetMapping(path = "/{id}/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List a batch's jobs",
			description = "In item order, a page at a time; pass nextPageToken as pageToken for the next page. "
					+ "With 'status', a page looks at a bounded number of jobs, so it may hold fewer than 'limit' "
					+ "(even none) and still have a nextPageToken: follow the tokens until there is none.")
	@ApiResponse(responseCode = "200", description = "A page of jobs")
	@ApiResponse(responseCode = "400", description = "A bad limit, status or pageToken")
	@ApiResponse(responseCode = "404", description = "No such batch")
	@ApiResponse(responseCode = "503", description = "The job store is unavailable")
	CompletableFuture<BatchJobsPage> jobs(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@Parameter(description = "Only jobs in this status") @RequestParam(required = false) String status,
			@Parameter(description = "The most jobs in the page, 1 to 100") @RequestParam(
					defaultValue = "100") int limit,
			@Parameter(description = "The nextPageToken of the previous page") @RequestParam(
					required = false) String pageToken) {
		int maxPageSize = this.properties.batches().maxPageSize();
		if (limit < 1 || limit > maxPageSize) {
			throw InvalidBatchException.of("'limit' must be between 1 and " + maxPageSize);
		}
		return this.batches.jobs(caller.tenant(), batchId(id), jobStatus(status), limit, pageToken);
	}

	@GetMapping(path = "/{id}/results", produces = NDJSON)
	@Operation(summary = "Export a batch's results",
			description = "One NDJSON line per job, in item order: {\"customId\", \"jobId\", \"status\", \"output\" "
					+ "(JSON) or \"outputBase64\" with \"outputContentType\", \"error\": {\"type\", \"message\"}}. "
					+ "Streamed in constant memory; jobs that have not ended are listed with their status. If the "
					+ "job store fails midway, the server breaks the connection off, so that the response is "
					+ "incomplete (no final chunk) rather than short; before the first lines, it answers 503.")
	@ApiResponse(responseCode = "200", description = "The results, streamed",
			content = @Content(mediaType = NDJSON, schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "404", description = "No such batch")
	@ApiResponse(responseCode = "503", description = "The batch or job store is unavailable")
	ResponseEntity<StreamingResponseBody> results(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			HttpServletRequest request) {
		Batch batch = this.batches.findNow(caller.tenant(), batchId(id));
		WebAsyncUtils.getAsyncManager(request)
			.getAsyncWebRequest()
			.setTimeout(this.properties.batches().resultsTimeout().toMillis());
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType(NDJSON))
			.body((out) -> this.batches.writeResults(batch, out));
	}

	@DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Cancel a batch",
			description = "In one write: its jobs that have not started are then cancelled by the workers instead "
					+ "of run, and the counts follow; running jobs finish.")
	@ApiResponse(responseCode = "202", description = "The batch, CANCELLED")
	@ApiResponse(responseCode = "404", description = "No such batch")
	@ApiResponse(responseCode = "409", description = "The batch has ended already; the problem gives its status")
	@ApiResponse(responseCode = "503", description = "The batch store is unavailable")
	CompletableFuture<ResponseEntity<BatchResponse>> cancel(@AuthenticationPrincipal Caller caller,
			@PathVariable String id) {
		return this.batches.cancel(caller.tenant(), batchId(id))
			.thenApply((batch) -> ResponseEntity.accepted().body(BatchResponse.of(batch)));
	}

	private ResponseEntity<BatchResponse> batch(Batch batch) {
		ResponseEntity.BodyBuilder response = ResponseEntity.ok();
		Optional<Instant> completion = this.estimates.completionOf(batch);
		if (!batch.hasEnded()) {
			// Also a cancelled batch whose jobs are still ending: its counts move.
			response.header(HttpHeaders.RETRY_AFTER,
					RetryAfter.seconds(this.estimates.retryAfter(completion, this.properties.expectedLatency())));
		}
		return response.body(BatchResponse.of(batch, completion));
	}

	private static BatchId batchId(String id) {
		if (!BatchId.isValid(id)) {
			throw BatchNotFoundException.malformed();
		}
		return new BatchId(id);
	}

	private static JobStatus jobStatus(String status) {
		if (status == null || status.isEmpty()) {
			return null;
		}
		try {
			return JobStatus.valueOf(status.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw InvalidBatchException
				.of("'status' must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED " + "or EXPIRED");
		}
	}

}
