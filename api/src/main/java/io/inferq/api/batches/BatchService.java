package io.inferq.api.batches;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

import io.inferq.api.batches.BatchIngest.IngestFailedException;
import io.inferq.api.config.ApiProperties;
import io.inferq.api.webhooks.Callbacks;
import io.inferq.api.idempotency.Fingerprint;
import io.inferq.api.idempotency.IdempotencyException;
import io.inferq.api.idempotency.IdempotencyKey;
import io.inferq.api.jobs.JobResponse;
import io.inferq.api.jobs.MetadataReader;
import io.inferq.api.jobs.ServiceUnavailableException;
import io.inferq.api.jobs.LocatedInputs;
import io.inferq.api.jobs.Outputs;
import io.inferq.api.jobs.SubmitRequestReader;
import io.inferq.api.quota.QuotaExceededException;
import io.inferq.api.quota.Quotas;
import io.inferq.api.security.Caller;
import io.inferq.api.web.BufferedBodies;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.message.JobLanes;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyRecord;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobStore;
import io.inferq.store.StaleBatchException;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;

/**
 * Enqueues, reads, lists, exports and cancels batches.
 * <p>
 * {@link #enqueue} runs on the request's thread, which reads the body as it streams in
 * (see {@link BatchIngest}); everything else is non-blocking but the results export,
 * which writes to the client from an async request thread. Failures are the
 * {@link ErrorResponse}s clients should see.
 */
@Service
class BatchService {

	static final String PATH = "/v1/batches";

	private static final String SCOPE = "POST " + PATH;

	/** How many jobs one read of a listing or export asks DynamoDB for. */
	private static final int READ_SIZE = 100;

	private static final Logger logger = LoggerFactory.getLogger(BatchService.class);

	private final JobStore jobs;

	private final BatchStore batches;

	private final IdempotencyStore idempotency;

	private final JobLanes lanes;

	private final SubmitRequestReader reader;

	private final MetadataReader metadataReader;

	private final JsonMapper mapper;

	private final Clock clock;

	private final ApiProperties properties;

	private final LocatedInputs locatedInputs;

	private final Callbacks callbacks;

	private final Outputs outputs;

	private final BatchRefusal refusal;

	private final BufferedBodies bodies;

	private final Quotas quotas;

	private final BatchCancelSweep cancelSweep;

	BatchService(JobStore jobs, BatchStore batches, IdempotencyStore idempotency, JobLanes lanes,
			SubmitRequestReader reader, JsonMapper mapper, Clock clock, ApiProperties properties,
			LocatedInputs locatedInputs, Outputs outputs, BatchRefusal refusal, BufferedBodies bodies, Quotas quotas,
			Callbacks callbacks, BatchCancelSweep cancelSweep) {
		this.callbacks = callbacks;
		this.cancelSweep = cancelSweep;
		this.locatedInputs = locatedInputs;
		this.outputs = outputs;
		this.quotas = quotas;
		this.jobs = jobs;
		this.batches = batches;
		this.idempotency = idempotency;
		this.lanes = lanes;
		this.reader = reader;
		this.metadataReader = new MetadataReader(properties.metadata());
		this.mapper = mapper;
		this.clock = clock;
		this.properties = properties;
		this.refusal = refusal;
		this.bodies = bodies;
	}

	/**
	 * Enqueues the batch in the request body, or, for a retry under the same idempotency
	 * key, answers the batch of the first request. Blocks the calling thread until every
	 * item is a queued job, or the batch was refused: then {@link BatchRefusal} removes
	 * what it wrote, whatever refused it, before the problem is thrown.
	 * @param contentType {@code application/json} or {@code application/x-ndjson}
	 */
	Accepted enqueue(Caller caller, MediaType contentType, String contentTypeHeader, InputStream body,
			long declaredLength, Optional<IdempotencyKey> key, URI callback) throws IOException {
		Fingerprint fingerprint = Fingerprint.of("POST", PATH, contentTypeHeader);
		try (BatchItemSource source = MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
				? JsonBatchItems.read(body, declaredLength, this.properties.batches().maxJsonBodySize().toBytes(),
						this.bodies, this.reader, this.metadataReader, fingerprint)
				: new NdjsonBatchItems(body, this.reader, fingerprint)) {
			return enqueue(caller, source, key, callback);
		}
	}

	private Accepted enqueue(Caller caller, BatchItemSource source, Optional<IdempotencyKey> key, URI requested) {
		TenantId tenant = caller.tenant();
		IdempotencyRecord claim = null;
		BatchId id = BatchId.random();
		URI callback = await(this.callbacks.resolve(tenant, requested), id);
		if (key.isPresent()) {
			Claim claimed = claim(key.get().stored(tenant, SCOPE), id);
			if (claimed.replay() != null) {
				return replay(claimed.replay(), source);
			}
			claim = claimed.record();
		}
		Batch batch;
		try {
			batch = await(this.batches.create(Batch.start(tenant, id, source.metadata(), this.clock.instant(),
					this.properties.maxTimeToStart(), this.properties.batches().lease())), id);
		}
		catch (RuntimeException ex) {
			this.refusal.release(claim);
			throw ex;
		}
		BatchIngest ingest = new BatchIngest(batch, this.jobs, this.batches, this.lanes.bulk(), this.clock,
				this.properties.batches(), this.quotas.queuedJobs(caller), this.locatedInputs, callback);
		try {
			long total = ingest.run(source);
			this.quotas.queued(caller, total);
			Batch enqueued = await(this.batches.markEnqueued(id, source.fingerprint(), total, this.clock.instant()),
					id);
			logger.info("Batch {} enqueued: {} jobs", id, total);
			return new Accepted(enqueued, false);
		}
		catch (IOException | RuntimeException ex) {
			Refused refused = refused(id, ex);
			this.refusal.refuse(batch, ingest, claim, refused.reason());
			if (refused.problem() instanceof ErrorResponseException response
					&& !(refused.problem() instanceof BatchStatusException)) {
				response.getBody().setProperty("batchId", id.value());
			}
			throw refused.problem();
		}
	}

	/** Why an ingest stopped, as recorded with its batch and as the client is told. */
	private Refused refused(BatchId id, Throwable ex) {
		if (ex instanceof InvalidBatchException invalid) {
			return new Refused(new JobError("InvalidBatch", invalid.getBody().getDetail()), invalid);
		}
		if (ex instanceof QuotaExceededException quota) {
			return new Refused(new JobError("QuotaExceeded", quota.getMessage()), quota);
		}
		if (ex instanceof IOException) {
			logger.debug("Batch {}: its body could not be read to its end: {}", id, ex.toString());
			return new Refused(
					new JobError("ClientDisconnected",
							"The request body ended early: the client went away or the connection broke"),
					InvalidBatchException.of("The request body could not be read to its end; send the batch again"));
		}
		if (ex instanceof ErrorResponseException response && response.getStatusCode().is4xxClientError()) {
			// Refused on the way for what the request is (an idempotency conflict, say).
			return new Refused(new JobError("InvalidBatch", response.getBody().getDetail()), response);
		}
		if (ex instanceof IngestFailedException || ex instanceof StaleBatchException
				|| ex instanceof ServiceUnavailableException) {
			Throwable cause = (ex instanceof IngestFailedException) ? ex.getCause() : ex;
			if (cause instanceof StaleBatchException stale && stale.current().isPresent()
					&& stale.current().get().status() == BatchStatus.CANCELLED) {
				return new Refused(new JobError("Cancelled", "Cancelled while being enqueued"),
						BatchStatusException.cancelledWhileEnqueueing(stale.current().get()));
			}
			logger.warn("Batch {}: its ingest failed: {}", id, String.valueOf(cause));
			return new Refused(new JobError("Unavailable", "DynamoDB or SQS failed; send the batch again"),
					unavailable("job store or queue", ex));
		}
		logger.error("Batch {}: its ingest failed unexpectedly", id, ex);
		return new Refused(new JobError("InternalError", "The batch could not be enqueued"),
				(ex instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex.toString(), ex));
	}

	/**
	 * The tenant's batch as stored; fails with {@link BatchNotFoundException} if there is
	 * none, or it is another tenant's: to a caller, another tenant's batch (and so every
	 * job of it) does not exist.
	 */
	CompletableFuture<Batch> find(TenantId tenant, BatchId id) {
		return Futures.recover(this.batches.find(id), (failure) -> Futures.failed(unavailable("batch store", failure)))
			.thenApply((batch) -> batch.filter((found) -> found.tenant().equals(tenant))
				.orElseThrow(() -> BatchNotFoundException.unknown(id)));
	}

	/** The tenant's batch as stored, waited for on the calling thread. */
	Batch findNow(TenantId tenant, BatchId id) {
		return await(find(tenant, id), id);
	}

	/**
	 * Cancels the batch: one write, after which workers cancel its jobs instead of
	 * starting them; for a batch whose items were all enqueued, this process also cancels
	 * its QUEUED jobs in the background ({@link BatchCancelSweep}). Fails with
	 * {@link BatchStatusException} if it is COMPLETED, FAILED or CANCELLED already.
	 */
	CompletableFuture<Batch> cancel(TenantId tenant, BatchId id) {
		return find(tenant, id).thenCompose((batch) -> {
			if (batch.status().isFinal()) {
				return Futures.failed(BatchStatusException.notCancellable(batch));
			}
			return Futures.recover(this.batches.cancel(id, this.clock.instant()), (failure) -> {
				if (failure instanceof StaleBatchException stale && stale.current().isPresent()) {
					return Futures.failed(BatchStatusException.notCancellable(stale.current().get()));
				}
				return Futures.failed(unavailable("batch store", failure));
			}).thenApply((cancelled) -> {
				logger.info("Batch {} cancelled while {}", id, batch.status());
				if (batch.status() == BatchStatus.IN_PROGRESS) {
					this.cancelSweep.start(cancelled);
				}
				return cancelled;
			});
		});
	}

	/**
	 * A page of the batch's jobs from the position {@code pageToken} stands for, in item
	 * order. With a {@code status}, only jobs in that status (as of now) are listed, and
	 * a page looks at no more than the configured number of jobs: it may hold fewer than
	 * {@code limit}, or none, and still have a next page.
	 */
	CompletableFuture<BatchJobsPage> jobs(TenantId tenant, BatchId id, JobStatus status, int limit, String pageToken) {
		long from = PageToken.seq(id, pageToken);
		return find(tenant, id)
			.thenCompose((batch) -> isAccepted(batch) ? page(batch, status, limit, from, new ArrayList<>(), 0)
					: CompletableFuture.completedFuture(new BatchJobsPage(List.of(), null)));
	}

	private CompletableFuture<BatchJobsPage> page(Batch batch, JobStatus status, int limit, long from,
			List<JobResponse> listed, int scanned) {
		long total = batch.total();
		int maxScanned = this.properties.batches().maxScannedPerPage();
		long window = Math.min(total - from,
				(status == null) ? limit - listed.size() : Math.min(READ_SIZE, maxScanned - scanned));
		if (window <= 0) {
			return CompletableFuture.completedFuture(new BatchJobsPage(listed, null));
		}
		List<JobId> ids = LongStream.range(from, from + window).mapToObj((seq) -> batch.id().jobId(seq)).toList();
		return read(ids).thenCompose((found) -> {
			long next = from;
			for (JobId id : ids) {
				next++;
				Job job = found.get(id);
				if (job != null && (status == null || asOfNow(job).status() == status)) {
					listed.add(JobResponse.of(asOfNow(job)));
					if (listed.size() == limit) {
						break;
					}
				}
			}
			int nowScanned = scanned + (int) (next - from);
			if (next >= total) {
				return CompletableFuture.completedFuture(new BatchJobsPage(listed, null));
			}
			if (listed.size() == limit || (status != null && nowScanned >= maxScanned)) {
				return CompletableFuture.completedFuture(new BatchJobsPage(listed, PageToken.of(batch.id(), next)));
			}
			return page(batch, status, limit, next, listed, nowScanned);
		});
	}

	/**
	 * Writes one NDJSON line per job of the batch, in item order, reading the next jobs
	 * while the last ones are written: memory holds two reads' worth of jobs whatever the
	 * batch's size. Jobs that do not exist (any more) are left out. Outputs kept in the
	 * payload store are fetched to be embedded, a read's worth at a time, when they are
	 * small enough; larger ones are given by URL. If the job store or the payload store
	 * fails midway, the export stops there with an {@link IOException} whose cause says
	 * why; the server has sent what filled its buffer by then, and breaks the connection
	 * off (see {@code ApiExceptionHandler}).
	 */
	void writeResults(Batch batch, OutputStream out) throws IOException {
		long total = isAccepted(batch) ? batch.total() : 0;
		CompletableFuture<Map<JobId, Job>> next = read(ids(batch, 0, total));
		for (long from = 0; from < total; from += READ_SIZE) {
			Map<JobId, Job> page = awaitRead(next);
			if (from + READ_SIZE < total) {
				next = read(ids(batch, from + READ_SIZE, total));
			}
			List<CompletableFuture<Job>> embeddable = page.values()
				.stream()
				.map((job) -> this.outputs.embeddable(asOfNow(job)))
				.toList();
			for (CompletableFuture<Job> job : embeddable) {
				out.write(this.mapper.writeValueAsBytes(ResultLine.of(awaitRead(job))));
				out.write('\n');
			}
		}
	}

	/**
	 * Whether every item of the batch became a queued job: the jobs of a batch being
	 * enqueued, or of one that was refused, are not shown (see {@link BatchRefusal}).
	 */
	private static boolean isAccepted(Batch batch) {
		return batch.enqueuedAt() != null;
	}

	private static List<JobId> ids(Batch batch, long from, long total) {
		return LongStream.range(from, Math.min(total, from + READ_SIZE))
			.mapToObj((seq) -> batch.id().jobId(seq))
			.toList();
	}

	private CompletableFuture<Map<JobId, Job>> read(List<JobId> ids) {
		return Futures.recover(this.jobs.findAll(ids), (failure) -> Futures.failed(unavailable("job store", failure)));
	}

	private <T> T awaitRead(CompletableFuture<T> read) throws IOException {
		try {
			return read.get(this.properties.awsCallTimeout().multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IOException("The job store or payload store failed during the export", Futures.unwrap(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("The export was interrupted", ex);
		}
	}

	/**
	 * Claims the idempotency key for a new batch {@code id}; if another request holds it,
	 * decides from that request's batch: the same request, completed, is replayed; one
	 * still being enqueued is a conflict; one that ended without completing (failed,
	 * cancelled, abandoned by a crashed API) gives the key up, and the claim is tried
	 * again.
	 */
	private Claim claim(String key, BatchId id) {
		for (int attempt = 1; attempt <= 3; attempt++) {
			Instant now = this.clock.instant();
			IdempotencyRecord record = new IdempotencyRecord(key, id.value(), null, now,
					now.plus(this.properties.idempotencyTtl()));
			Optional<IdempotencyRecord> held = await(this.idempotency.claim(record, now), id);
			if (held.isEmpty()) {
				return new Claim(record, null);
			}
			IdempotencyRecord first = held.get();
			BatchId firstId = new BatchId(first.resourceId());
			Optional<Batch> batch = await(this.batches.find(firstId), firstId);
			if (batch.isPresent() && batch.get().fingerprint() != null) {
				return new Claim(null, batch.get());
			}
			Duration lease = this.properties.batches().lease();
			if (batch.isPresent() && batch.get().status() == BatchStatus.ENQUEUEING) {
				if (!batch.get().isAbandoned(now)) {
					throw IdempotencyException.inProgress(firstId.value(),
							Duration.between(now, batch.get().leaseExpiresAt()));
				}
				giveUp(firstId, now);
			}
			else if (batch.isEmpty() && now.isBefore(first.createdAt().plus(lease))) {
				throw IdempotencyException.inProgress(firstId.value(), this.properties.unavailableRetryAfter());
			}
			logger.info("Batch {} never completed its ingest; its idempotency key is used again", firstId);
			batch.filter((earlier) -> earlier.enqueuedAt() == null).ifPresent(this.refusal::discardLeftovers);
			await(this.idempotency.release(first), firstId);
		}
		throw new ServiceUnavailableException("The idempotency key is contended; try again",
				this.properties.unavailableRetryAfter(), null);
	}

	private void giveUp(BatchId id, Instant now) {
		try {
			await(this.batches.fail(id,
					new JobError("Abandoned", "The ingest stopped (the API instance that ran it went away)"), now,
					true), id);
		}
		catch (StaleBatchException ex) {
			// Renewed or ended meanwhile: the next claim looks again.
		}
	}

	/**
	 * Reads the body to its end and answers the first request's batch if it is the same.
	 */
	private Accepted replay(Batch first, BatchItemSource source) {
		try {
			source.drain();
		}
		catch (IOException ex) {
			throw InvalidBatchException.of("The request body could not be read to its end; send the batch again");
		}
		if (!source.fingerprint().equals(first.fingerprint())) {
			throw IdempotencyException.mismatch(first.id().value());
		}
		logger.debug("Batch {} enqueued again under its idempotency key", first.id());
		return new Accepted(first, true);
	}

	/**
	 * Waits for a store's answer on the request thread; a failure becomes the problem the
	 * client sees (503 for AWS), except a {@link StaleBatchException}, for the caller.
	 */
	private <T> T await(CompletableFuture<T> future, BatchId id) {
		try {
			return future.get(this.properties.awsCallTimeout().multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			Throwable cause = Futures.unwrap(ex);
			if (cause instanceof StaleBatchException stale) {
				throw stale;
			}
			if (cause instanceof ErrorResponseException response) {
				throw response;
			}
			logger.warn("Batch {}: DynamoDB failed: {}", id, cause.toString());
			throw unavailable("batch store", cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable("batch store", ex);
		}
	}

	private ServiceUnavailableException unavailable(String dependency, Throwable failure) {
		return new ServiceUnavailableException("The " + dependency + " is unavailable; try again later",
				this.properties.unavailableRetryAfter(), failure);
	}

	private Job asOfNow(Job job) {
		Instant now = this.clock.instant();
		return job.isPastDeadline(now) ? job.expire(job.deadline()) : job;
	}

	/**
	 * What a POST of a batch answers with.
	 *
	 * @param batch the batch
	 * @param replayed whether an earlier request with the same idempotency key enqueued
	 * it
	 */
	record Accepted(Batch batch, boolean replayed) {

	}

	/**
	 * Why a batch was refused.
	 *
	 * @param reason what its record says
	 * @param problem what the client is told
	 */
	private record Refused(JobError reason, RuntimeException problem) {

	}

	/** A claimed key ({@code record}) or the completed batch of an earlier request. */
	private record Claim(IdempotencyRecord record, Batch replay) {

	}

}
