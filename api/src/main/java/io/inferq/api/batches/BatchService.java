package io.inferq.api.batches;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import io.inferq.api.idempotency.Fingerprint;
import io.inferq.api.idempotency.IdempotencyException;
import io.inferq.api.idempotency.IdempotencyKey;
import io.inferq.api.jobs.JobResponse;
import io.inferq.api.jobs.MetadataReader;
import io.inferq.api.jobs.ServiceUnavailableException;
import io.inferq.api.jobs.SubmitRequestReader;
import io.inferq.api.quota.QuotaExceededException;
import io.inferq.api.quota.Quotas;
import io.inferq.api.security.Caller;
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

	private final Quotas quotas;

	BatchService(JobStore jobs, BatchStore batches, IdempotencyStore idempotency, JobLanes lanes,
			SubmitRequestReader reader, JsonMapper mapper, Clock clock, ApiProperties properties, Quotas quotas) {
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
	}

	/**
	 * Enqueues the batch in the request body, or, for a retry under the same idempotency
	 * key, answers the batch of the first request. Blocks the calling thread until every
	 * item is a queued job, or the batch failed.
	 * @param contentType {@code application/json} or {@code application/x-ndjson}
	 */
	Accepted enqueue(Caller caller, MediaType contentType, String contentTypeHeader, InputStream body,
			long declaredLength, Optional<IdempotencyKey> key) throws IOException {
		TenantId tenant = caller.tenant();
		Fingerprint fingerprint = Fingerprint.of("POST", PATH, contentTypeHeader);
		BatchItemSource source = MediaType.APPLICATION_JSON.isCompatibleWith(contentType)
				? JsonBatchItems.read(body, declaredLength, this.properties.batches().maxJsonBodySize().toBytes(),
						this.reader, this.metadataReader, fingerprint)
				: new NdjsonBatchItems(body, this.reader, fingerprint);
		IdempotencyRecord claim = null;
		BatchId id = BatchId.random();
		if (key.isPresent()) {
			Claim claimed = claim(key.get().stored(tenant, SCOPE), id);
			if (claimed.replay() != null) {
				return replay(claimed.replay(), source);
			}
			claim = claimed.record();
		}
		Instant now = this.clock.instant();
		Batch batch = await(this.batches.create(Batch.start(tenant, id, source.metadata(), now,
				this.properties.maxTimeToStart(), this.properties.batches().lease())), id);
		try {
			long total = new BatchIngest(batch, this.jobs, this.batches, this.lanes.bulk(), this.clock,
					this.properties.batches(), this.quotas.queuedJobs(caller))
				.run(source);
			this.quotas.queued(caller, total);
			Batch enqueued = await(this.batches.markEnqueued(id, source.fingerprint(), this.clock.instant()), id);
			logger.info("Batch {} enqueued: {} jobs", id, total);
			return new Accepted(enqueued, false);
		}
		catch (InvalidBatchException ex) {
			throw failed(batch, claim, new JobError("InvalidBatch", ex.getBody().getDetail()), ex);
		}
		catch (QuotaExceededException ex) {
			throw failed(batch, claim, new JobError("QuotaExceeded", ex.getMessage()), ex);
		}
		catch (IOException ex) {
			throw failed(batch, claim, new JobError("ClientDisconnected", "The request body ended early: " + ex),
					InvalidBatchException.of("The request body could not be read to its end; send the batch again"));
		}
		catch (IngestFailedException | StaleBatchException | ServiceUnavailableException ex) {
			Throwable cause = (ex instanceof IngestFailedException) ? ex.getCause() : ex;
			if (cause instanceof StaleBatchException stale && stale.current().isPresent()
					&& stale.current().get().status() == BatchStatus.CANCELLED) {
				release(claim);
				throw BatchStatusException.cancelledWhileEnqueueing(stale.current().get());
			}
			throw failed(batch, claim, new JobError("Unavailable", "DynamoDB or SQS failed: " + cause),
					unavailable("job store or queue", ex));
		}
		catch (RuntimeException ex) {
			failed(batch, claim, new JobError("InternalError", "The batch could not be enqueued"), ex);
			throw ex;
		}
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
	 * starting them. Fails with {@link BatchStatusException} if it is COMPLETED, FAILED
	 * or CANCELLED already.
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
		return find(tenant, id).thenCompose((batch) -> page(batch, status, limit, from, new ArrayList<>(), 0));
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
	 * batch's size. Jobs that do not exist (any more) are left out. If the job store
	 * fails midway, the export stops there with an {@link IOException} whose cause says
	 * why; the server has sent what filled its buffer by then, and breaks the connection
	 * off (see {@code ApiExceptionHandler}).
	 */
	void writeResults(Batch batch, OutputStream out) throws IOException {
		long total = batch.total();
		CompletableFuture<Map<JobId, Job>> next = read(ids(batch, 0, total));
		for (long from = 0; from < total; from += READ_SIZE) {
			Map<JobId, Job> page = awaitRead(next);
			if (from + READ_SIZE < total) {
				next = read(ids(batch, from + READ_SIZE, total));
			}
			for (Job job : page.values()) {
				out.write(this.mapper.writeValueAsBytes(ResultLine.of(asOfNow(job))));
				out.write('\n');
			}
		}
	}

	private static List<JobId> ids(Batch batch, long from, long total) {
		return LongStream.range(from, Math.min(total, from + READ_SIZE))
			.mapToObj((seq) -> batch.id().jobId(seq))
			.toList();
	}

	private CompletableFuture<Map<JobId, Job>> read(List<JobId> ids) {
		return Futures.recover(this.jobs.findAll(ids), (failure) -> Futures.failed(unavailable("job store", failure)));
	}

	private Map<JobId, Job> awaitRead(CompletableFuture<Map<JobId, Job>> read) throws IOException {
		try {
			return read.get(this.properties.awsCallTimeout().multipliedBy(4).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IOException("The job store failed during the export", Futures.unwrap(ex));
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
	private Accepted replay(Batch first, BatchItemSource source) throws IOException {
		source.drain();
		if (!source.fingerprint().equals(first.fingerprint())) {
			throw IdempotencyException.mismatch(first.id().value());
		}
		logger.debug("Batch {} enqueued again under its idempotency key", first.id());
		return new Accepted(first, true);
	}

	/**
	 * Fails the batch and releases its key, waiting a while for both (a batch that could
	 * not be marked FAILED will be once its lease lapses), and names the batch in
	 * {@code problem}.
	 */
	private RuntimeException failed(Batch batch, IdempotencyRecord claim, JobError reason, RuntimeException problem) {
		logger.info("Batch {} failed: {}", batch.id(), reason.message());
		CompletableFuture<Void> failed = this.batches.fail(batch.id(), reason, this.clock.instant(), false)
			.handle((done, failure) -> {
				if (failure != null) {
					logger.warn("Batch {} could not be marked FAILED; it will be once its lease lapses: {}", batch.id(),
							Futures.unwrap(failure).toString());
				}
				return null;
			})
			.thenCompose((done) -> release(claim));
		try {
			failed.get(this.properties.awsCallTimeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Batch {}: its failure was not recorded in time", batch.id());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (problem instanceof ErrorResponseException response) {
			response.getBody().setProperty("batchId", batch.id().value());
		}
		return problem;
	}

	private CompletableFuture<Void> release(IdempotencyRecord claim) {
		if (claim == null) {
			return CompletableFuture.completedFuture(null);
		}
		return this.idempotency.release(claim).handle((released, failure) -> {
			if (failure != null) {
				logger.warn("Batch {}: its idempotency key could not be released: {}", claim.resourceId(),
						Futures.unwrap(failure).toString());
			}
			return null;
		});
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

	/** A claimed key ({@code record}) or the completed batch of an earlier request. */
	private record Claim(IdempotencyRecord record, Batch replay) {

	}

}
