package io.inferq.api.jobs;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.eta.Estimates;
import io.inferq.api.eta.JobEstimate;
import io.inferq.api.idempotency.Fingerprint;
import io.inferq.api.idempotency.IdempotencyKey;
import io.inferq.api.security.Caller;
import io.inferq.api.watch.LongPolls;
import io.inferq.api.web.BufferedBodies;
import io.inferq.api.web.RetryAfter;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.WebAsyncUtils;

/**
 * The job API. Every endpoint answers from a future, so no request thread waits on
 * DynamoDB or SQS.
 */
@RestController
@RequestMapping(JobController.PATH)
@Tag(name = "Jobs",
		description = "Asynchronous inference jobs. Errors are RFC 9457 problem details "
				+ "(application/problem+json); a malformed job ID, and another tenant's job, are answered like an "
				+ "unknown one, with 404.")
class JobController {

	static final String PATH = "/v1/jobs";

	/** Output types no browser runs anything from; others are served as attachments. */
	private static final List<MediaType> INERT_TYPES = Stream
		.of("application/json", "application/x-ndjson", "application/octet-stream", "text/plain", "text/csv",
				"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "audio/*", "video/*")
		.map(MediaType::parseMediaType)
		.toList();

	private final JobService jobs;

	private final SubmitRequestReader reader;

	private final SubmissionMetrics metrics;

	private final ApiProperties properties;

	private final RawSubmitReader rawReader;

	private final BodyBudget budget;

	private final Outputs outputs;

	private final LongPolls longPolls;

	private final Estimates estimates;

	JobController(JobService jobs, SubmitRequestReader reader, SubmissionMetrics metrics, ApiProperties properties,
			BodyBudget budget, Outputs outputs, LongPolls longPolls, Estimates estimates) {
		this.longPolls = longPolls;
		this.estimates = estimates;
		this.jobs = jobs;
		this.reader = reader;
		this.metrics = metrics;
		this.properties = properties;
		this.rawReader = new RawSubmitReader(reader, properties);
		this.budget = budget;
		this.outputs = outputs;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE,
			params = "!" + RawSubmitReader.RAW)
	@Operation(summary = "Submit a job",
			description = "Stores the job and queues it. Unknown fields are refused. 'timeToStart' is an ISO-8601 "
					+ "duration or a number of seconds; the job expires if no worker starts it within that time.",
			requestBody = @RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, examples = {
							@ExampleObject(name = "JSON input",
									value = "{\"input\": {\"inputs\": \"Hello\"}, \"accept\": \"application/json\", "
											+ "\"metadata\": {\"customer\": \"acme\"}, \"timeToStart\": \"PT30M\"}"),
							@ExampleObject(name = "Binary input",
									value = "{\"inputBase64\": \"iVBORw0KGgo=\", \"contentType\": \"image/png\"}") })))
	@ApiResponse(responseCode = "202",
			description = "Accepted and queued; or, for a retry under the same "
					+ "Idempotency-Key, the job the first request created",
			headers = { @Header(name = HttpHeaders.LOCATION, description = "The job"),
					@Header(name = HttpHeaders.RETRY_AFTER, description = "Seconds until polling is worthwhile"),
					@Header(name = IdempotencyKey.REPLAYED_HEADER,
							description = "'true' when the answer is the job of an earlier request with the key") })
	@ApiResponse(responseCode = "400",
			description = "Not a valid job request or Idempotency-Key; the detail says what to fix")
	@ApiResponse(responseCode = "413", description = "The body or the input is too large")
	@ApiResponse(responseCode = "415", description = "The body is a form")
	@ApiResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request")
	@ApiResponse(responseCode = "429",
			description = "Over the tenant's quota: too many submits a second, or too many jobs queued ('limit' says "
					+ "which); nothing was stored, retry after Retry-After")
	@ApiResponse(responseCode = "503",
			description = "The job store, payload store or queue is unavailable, or the server is busy (it holds "
					+ "as many bodies as it may); retry after Retry-After")
	CompletableFuture<ResponseEntity<JobResponse>> submit(@AuthenticationPrincipal Caller caller, InputStream body,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_LENGTH,
					required = false) Long contentLength,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_TYPE,
					required = false) String contentType,
			@Parameter(description = "Makes retries safe: a retry with the same key and body gets the first "
					+ "request's job; 1 to 255 printable ASCII characters") @RequestHeader(name = IdempotencyKey.HEADER,
							required = false) String idempotencyKey) {
		long declaredLength = (contentLength != null) ? contentLength : -1;
		return this.metrics.record(() -> {
			Optional<IdempotencyKey> key = IdempotencyKey.of(idempotencyKey);
			JobSubmission submission;
			String fingerprint;
			try (BufferedBodies.Body buffered = this.reader.body(body, declaredLength)) {
				submission = this.reader.read(buffered.bytes());
				fingerprint = Fingerprint.of("POST", PATH, contentType, buffered.bytes());
			}
			return submit(caller, submission, key, fingerprint);
		}).thenApply(this::accepted);
	}

	@PostMapping(
			consumes = { "!" + MediaType.APPLICATION_FORM_URLENCODED_VALUE, "!" + MediaType.MULTIPART_FORM_DATA_VALUE },
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Submit a job whose input is the body",
			description = "The body, with its own Content-Type, is the model's input, byte for byte: for example "
					+ "curl --data-binary @cat.jpg -H 'Content-Type: image/jpeg'. Any Content-Type but "
					+ "application/json is a raw input; a raw JSON input is sent with '?raw'. Job options are query "
					+ "parameters: accept, timeToStart, and metadata.KEY=VALUE for each metadata entry.")
	@ApiResponse(responseCode = "202", description = "Accepted and queued, as for a JSON request")
	@ApiResponse(responseCode = "400", description = "No Content-Type, or an invalid option; the detail says which")
	@ApiResponse(responseCode = "413", description = "The input is too large")
	@ApiResponse(responseCode = "422", description = "The Idempotency-Key was used for a different request")
	@ApiResponse(responseCode = "429",
			description = "Over the tenant's quota: too many submits a second, or too many jobs queued ('limit' says "
					+ "which); nothing was stored, retry after Retry-After")
	@ApiResponse(responseCode = "503",
			description = "The job store, payload store or queue is unavailable, or the API holds as many large "
					+ "bodies as it may; retry after Retry-After")
	CompletableFuture<ResponseEntity<JobResponse>> submitRaw(@AuthenticationPrincipal Caller caller, InputStream body,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_LENGTH,
					required = false) Long contentLength,
			@Parameter(hidden = true) @RequestHeader(name = HttpHeaders.CONTENT_TYPE,
					required = false) String contentType,
			@Parameter(description = "Makes retries safe, as for a JSON request") @RequestHeader(
					name = IdempotencyKey.HEADER, required = false) String idempotencyKey,
			@Parameter(hidden = true) @RequestParam MultiValueMap<String, String> options) {
		long declaredLength = (contentLength != null) ? contentLength : -1;
		return this.metrics.record(() -> {
			Optional<IdempotencyKey> key = IdempotencyKey.of(idempotencyKey);
			long maxInput = this.properties.maxInputSize().toBytes();
			BodyBudget.Grant grant = this.budget.reserve(bounded(declaredLength, maxInput));
			try {
				RawSubmitReader.RawSubmission raw = this.rawReader.read(body, declaredLength, contentType, options);
				return submit(caller, raw.submission(), key, raw.fingerprint(PATH))
					.whenComplete((done, failure) -> grant.release());
			}
			catch (RuntimeException ex) {
				grant.release();
				throw ex;
			}
		}).thenApply(this::accepted);
	}

	private CompletableFuture<JobService.Submitted> submit(Caller caller, JobSubmission submission,
			Optional<IdempotencyKey> key, String fingerprint) {
		if (key.isEmpty()) {
			return this.jobs.submit(caller.tenant(), submission)
				.thenApply((job) -> new JobService.Submitted(job, false));
		}
		return this.jobs.submit(caller.tenant(), submission, key.get().stored(caller.tenant(), "POST " + PATH),
				fingerprint);
	}

	/** The most a body can hold: its declared length, or else the limit. */
	private static long bounded(long declaredLength, long limit) {
		return (declaredLength >= 0) ? Math.min(declaredLength, limit + 1) : limit + 1;
	}

	private ResponseEntity<JobResponse> accepted(JobService.Submitted submitted) {
		Optional<JobEstimate> estimate = this.estimates.of(submitted.job());
		if (!submitted.replayed()) {
			this.estimates.queued(false, 1);
		}
		ResponseEntity.BodyBuilder response = ResponseEntity.accepted()
			.location(URI.create(PATH + "/" + submitted.job().id()))
			.header(HttpHeaders.RETRY_AFTER, retryAfter(estimate));
		if (submitted.replayed()) {
			response.header(IdempotencyKey.REPLAYED_HEADER, "true");
		}
		return response.body(withEstimate(JobResponse.of(submitted.job()), estimate));
	}

	private static JobResponse withEstimate(JobResponse response, Optional<JobEstimate> estimate) {
		return estimate.map(response::withEstimate).orElse(response);
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Get a job",
			description = "A QUEUED job past its deadline is reported EXPIRED. With 'wait', a long poll: the answer "
					+ "comes as soon as the job ends (SUCCEEDED, FAILED, CANCELLED, EXPIRED), or once the wait is "
					+ "over with the job as it is then.")
	@ApiResponse(responseCode = "200", description = "The job; Retry-After while it has not ended")
	@ApiResponse(responseCode = "400", description = "A 'wait' that is not a number of seconds up to 20")
	@ApiResponse(responseCode = "404", description = "No such job")
	@ApiResponse(responseCode = "503",
			description = "The job store is unavailable, or this server has as many waiting requests as it may; "
					+ "retry after Retry-After")
	CompletableFuture<ResponseEntity<JobResponse>> get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
			@Parameter(description = "Long poll: wait up to this long for the job to end; whole seconds (20 or "
					+ "20s) or milliseconds (500ms), at most 20s") @RequestParam(required = false) String wait,
			HttpServletRequest request) {
		Duration waitFor = this.longPolls.waitOf(wait);
		JobId jobId = jobId(id);
		CompletableFuture<Job> found = this.jobs.find(caller.tenant(), jobId);
		if (!waitFor.isZero()) {
			WebAsyncUtils.getAsyncManager(request)
				.getAsyncWebRequest()
				.setTimeout(this.longPolls.requestTimeout(waitFor).toMillis());
			found = found.thenCompose((job) -> job.isTerminal() ? CompletableFuture.completedFuture(job)
					: this.longPolls
						.untilJobEnds(jobId, (job.status() == JobStatus.QUEUED) ? job.deadline() : null, waitFor)
						.thenCompose((ended) -> ended.isPresent() ? CompletableFuture.completedFuture(ended.get())
								: this.jobs.find(caller.tenant(), jobId)));
		}
		return found.thenCompose(this.outputs::embeddable).thenApply(this::job);
	}

	@GetMapping("/{id}/result")
	@Operation(summary = "Get a job's result",
			description = "The model's output, as it answered, once SUCCEEDED, with its content type and length, "
					+ "streamed whatever its size.")
	@ApiResponse(responseCode = "200",
			description = "The output, with the model's content type; sandboxed, and an attachment unless of an "
					+ "inert type (JSON, plain text, CSV, raster images, audio, video, bytes)")
	@ApiResponse(responseCode = "404", description = "No such job")
	@ApiResponse(responseCode = "409", description = "The job has not finished; retry after Retry-After")
	@ApiResponse(responseCode = "410", description = "The job FAILED, was CANCELLED or EXPIRED; the problem says why")
	@ApiResponse(responseCode = "503", description = "The job store is unavailable")
	CompletableFuture<ResponseEntity<Resource>> result(@AuthenticationPrincipal Caller caller,
			@PathVariable String id) {
		return this.jobs.find(caller.tenant(), jobId(id)).thenCompose(this::result);
	}

	@DeleteMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Cancel a job",
			description = "A QUEUED job is never run; a RUNNING job's output is discarded.")
	@ApiResponse(responseCode = "200", description = "The job, CANCELLED")
	@ApiResponse(responseCode = "404", description = "No such job")
	@ApiResponse(responseCode = "409", description = "The job has ended already; the problem gives its status")
	@ApiResponse(responseCode = "503", description = "The job store is unavailable")
	CompletableFuture<ResponseEntity<JobResponse>> cancel(@AuthenticationPrincipal Caller caller,
			@PathVariable String id) {
		return this.jobs.cancel(caller.tenant(), jobId(id)).thenApply((cancelled) -> {
			this.longPolls.jobEnded(cancelled);
			return job(cancelled);
		});
	}

	private ResponseEntity<JobResponse> job(Job job) {
		ResponseEntity.BodyBuilder response = ResponseEntity.ok();
		Optional<JobEstimate> estimate = this.estimates.of(job);
		if (!job.isTerminal()) {
			response.header(HttpHeaders.RETRY_AFTER, retryAfter(estimate));
		}
		return response.body(withEstimate(JobResponse.of(job), estimate));
	}

	private CompletableFuture<ResponseEntity<Resource>> result(Job job) {
		return switch (job.status()) {
			case SUCCEEDED -> output(job);
			case QUEUED, RUNNING -> throw JobStatusException.resultNotReady(job, this.properties.expectedLatency());
			case FAILED, CANCELLED, EXPIRED -> throw JobStatusException.noResult(job);
		};
	}

	/**
	 * The output as the model gave it, with its media type and length, streamed from S3
	 * when it is stored there. Served from the API's own origin, it must never run in a
	 * browser: every response is sandboxed and {@code nosniff} (see
	 * {@code SecurityHeadersValve}), and a type a browser would render actively (HTML,
	 * SVG, XML, scripts, PDF, anything not known to be inert) is an attachment,
	 * downloaded rather than shown.
	 */
	private CompletableFuture<ResponseEntity<Resource>> output(Job job) {
		Payload output = job.output();
		MediaType type = mediaType(output);
		ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(type).contentLength(output.size());
		if (!isInert(type)) {
			response.header(HttpHeaders.CONTENT_DISPOSITION, "attachment");
		}
		if (!output.isStored()) {
			return CompletableFuture.completedFuture(response.body(new ByteArrayResource(output.bytes())));
		}
		return this.outputs.open(job).thenApply((stream) -> response.body(new InputStreamResource(stream)));
	}

	private static boolean isInert(MediaType type) {
		return INERT_TYPES.stream().anyMatch((inert) -> inert.includes(type))
				|| ("application".equals(type.getType()) && "json".equals(type.getSubtypeSuffix()));
	}

	/**
	 * Until the job is expected to end, 1 to 30 s; without an estimate, the expected
	 * latency.
	 */
	private String retryAfter(Optional<JobEstimate> estimate) {
		return RetryAfter
			.seconds(this.estimates.retryAfter(estimate.map(JobEstimate::finishAt), this.properties.expectedLatency()));
	}

	private static JobId jobId(String id) {
		if (!JobId.isValid(id)) {
			throw JobNotFoundException.malformed();
		}
		return new JobId(id);
	}

	/** The output's media type; bytes of a type that cannot be served are just bytes. */
	private static MediaType mediaType(Payload output) {
		try {
			MediaType type = MediaType.parseMediaType(output.contentType());
			return type.isConcrete() ? type : MediaType.APPLICATION_OCTET_STREAM;
		}
		catch (InvalidMediaTypeException ex) {
			return MediaType.APPLICATION_OCTET_STREAM;
		}
	}

}
