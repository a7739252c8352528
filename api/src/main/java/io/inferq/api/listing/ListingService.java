package io.inferq.api.listing;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.batches.BatchResponse;
import io.inferq.api.config.ApiProperties;
import io.inferq.api.jobs.JobResponse;
import io.inferq.api.jobs.ServiceUnavailableException;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.store.TenantListings;
import io.inferq.tenant.TenantId;

import org.springframework.stereotype.Service;

/**
 * Lists a tenant's own jobs and batches, newest first, from the tenant indexes, and reads
 * what they list by key (strongly consistent). The index lags the records a little, so
 * each record is checked again as read: a job or batch that is not the tenant's, or no
 * longer in the status asked for (as of now: a QUEUED job past its deadline is EXPIRED),
 * is left out, and a page may hold fewer than asked for.
 */
@Service
class ListingService {

	private final TenantListings listings;

	private final JobStore jobs;

	private final BatchStore batches;

	private final Clock clock;

	private final ApiProperties properties;

	ListingService(TenantListings listings, JobStore jobs, BatchStore batches, Clock clock, ApiProperties properties) {
		this.listings = listings;
		this.jobs = jobs;
		this.batches = batches;
		this.clock = clock;
		this.properties = properties;
	}

	/**
	 * A page of the tenant's jobs (single and batch jobs alike), only those in
	 * {@code status} if it is not {@code null}.
	 */
	CompletableFuture<JobsPage> jobs(TenantId tenant, JobStatus status, int limit, String pageToken) {
		String cursor = PageToken.cursor("jobs", tenant, status, pageToken);
		return unavailableOnFailure(this.listings.jobs(tenant, status, limit, cursor)
			.thenCompose((page) -> this.jobs.findAll(page.items()).thenCompose(this::visible).thenApply((found) -> {
				Instant now = this.clock.instant();
				List<JobResponse> listed = found.stream()
					.filter((job) -> job.tenant().equals(tenant))
					.map((job) -> job.isPastDeadline(now) ? job.expire(job.deadline()) : job)
					.filter((job) -> status == null || job.status() == status)
					.map(JobResponse::of)
					.toList();
				return new JobsPage(listed, token("jobs", tenant, status, page.next()));
			})));
	}

	/**
	 * A page of the tenant's batches, only those in {@code status} if it is not
	 * {@code null}: the status is only known once a batch is read (COMPLETED is counted,
	 * never stored), so with a status a page may hold fewer than {@code limit}, even
	 * none, and still have a next page.
	 */
	CompletableFuture<BatchesPage> batches(TenantId tenant, BatchStatus status, int limit, String pageToken) {
		String cursor = PageToken.cursor("batches", tenant, status, pageToken);
		return unavailableOnFailure(this.listings.batches(tenant, limit, cursor).thenCompose((page) -> {
			List<CompletableFuture<Optional<Batch>>> reads = page.items().stream().map(this.batches::find).toList();
			return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply((all) -> {
				List<BatchResponse> listed = reads.stream()
					.map(CompletableFuture::join)
					.flatMap(Optional::stream)
					.filter((batch) -> batch.tenant().equals(tenant))
					.filter((batch) -> status == null || batch.status() == status)
					.map(BatchResponse::of)
					.toList();
				return new BatchesPage(listed, token("batches", tenant, status, page.next()));
			});
		}));
	}

	/**
	 * The jobs but the QUEUED ones of batches that were never accepted (being enqueued,
	 * or refused and not yet cleaned up): those do not exist for clients, as for
	 * {@code GET /v1/jobs/{id}}. One read per such batch.
	 */
	private CompletableFuture<List<Job>> visible(Map<JobId, Job> found) {
		Map<BatchId, CompletableFuture<Optional<Batch>>> batchReads = new HashMap<>();
		for (Job job : found.values()) {
			if (isPending(job)) {
				batchReads.computeIfAbsent(job.batch().batchId(), this.batches::find);
			}
		}
		return CompletableFuture.allOf(batchReads.values().toArray(CompletableFuture[]::new))
			.thenApply((all) -> found.values()
				.stream()
				.filter((job) -> !isPending(job) || batchReads.get(job.batch().batchId())
					.join()
					.map((batch) -> batch.enqueuedAt() != null)
					.orElse(true))
				.toList());
	}

	private static boolean isPending(Job job) {
		return job.isInBatch() && job.status() == JobStatus.QUEUED;
	}

	private static String token(String listing, TenantId tenant, Object status, String next) {
		return (next != null) ? PageToken.of(listing, tenant, status, next) : null;
	}

	private <T> CompletableFuture<T> unavailableOnFailure(CompletableFuture<T> listing) {
		return Futures.recover(listing,
				(failure) -> Futures
					.failed(new ServiceUnavailableException("The job store is unavailable; try again later",
							this.properties.unavailableRetryAfter(), failure)));
	}

}
