package io.inferq.api.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.inferq.api.config.ApiProperties;
import io.inferq.api.security.Caller;
import io.inferq.concurrent.Futures;
import io.inferq.job.JobStatus;
import io.inferq.store.TenantListings;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Each tenant's limits on submits, from its credential or the defaults
 * ({@link QuotaProperties}).
 * <ul>
 * <li><b>Submit rate: per API replica.</b> A token bucket per tenant in this replica's
 * memory: no shared counter, so no hot key and no cost per submit; the API as a whole
 * admits up to replicas times the rate.</li>
 * <li><b>Queued jobs: global.</b> The tenant's QUEUED jobs, counted from the table's
 * tenant-status index (spread over {@code TENANT_SHARDS} partitions, no per-tenant
 * counter to keep) by every replica at most once per {@code queued-count-ttl} while the
 * tenant submits, plus what the replica admitted since. A count due again is redone in
 * the background, so that no submit but a tenant's first (or first after ten quiet
 * minutes) waits for it; each shard's count stops at the limit ({@code Select=COUNT},
 * {@code Limit}). The index lags the jobs by about a second, so replicas together may
 * admit past the limit by what the tenant's submit rate lets through in that time.</li>
 * </ul>
 * A count that fails (DynamoDB down) admits: the submit fails then anyway.
 */
@Service
public class Quotas {

	private static final Logger logger = LoggerFactory.getLogger(Quotas.class);

	private final QuotaProperties properties;

	private final Duration countTimeout;

	private final LongSupplier nanoTime;

	private final Cache<BucketKey, TokenBucket> buckets = Caffeine.newBuilder()
		.expireAfterAccess(Duration.ofMinutes(10))
		.maximumSize(100_000)
		.build();

	private final AsyncLoadingCache<CountKey, QueuedCount> counts;

	@Autowired
	Quotas(TenantListings listings, QuotaProperties properties, ApiProperties api) {
		this(listings, properties, api.awsCallTimeout(), System::nanoTime);
	}

	Quotas(TenantListings listings, QuotaProperties properties, Duration countTimeout, LongSupplier nanoTime) {
		this.properties = properties;
		this.countTimeout = countTimeout;
		this.nanoTime = nanoTime;
		// A count older than the TTL is refreshed in the background while submits go on
		// with it (a tenant back after a quiet spell gets one answer from its old count);
		// one unused for ten minutes is dropped, and its tenant's next submit waits.
		this.counts = Caffeine.newBuilder()
			.refreshAfterWrite(properties.queuedCountTtl())
			.expireAfterAccess(Duration.ofMinutes(10))
			.maximumSize(100_000)
			.buildAsync(new AsyncCacheLoader<CountKey, QueuedCount>() {

				@Override
				public CompletableFuture<QueuedCount> asyncLoad(CountKey key, Executor executor) {
					return listings.countJobs(key.tenant(), JobStatus.QUEUED, key.limit())
						.thenApply((counted) -> new QueuedCount(counted, 0));
				}

				/**
				 * Jobs admitted while the count runs may be missing from it: they stay
				 * counted as admitted since (counted twice at worst, until the next
				 * count).
				 */
				@Override
				public CompletableFuture<QueuedCount> asyncReload(CountKey key, QueuedCount old, Executor executor) {
					long before = old.admittedSince.get();
					return listings.countJobs(key.tenant(), JobStatus.QUEUED, key.limit())
						.thenApply((counted) -> new QueuedCount(counted, old.admittedSince.get() - before));
				}

			});
	}

	/**
	 * Admits one submit of the caller's, and one more job queued; fails with
	 * {@link QuotaExceededException} if the tenant is over either limit.
	 */
	public Admission admit(Caller caller) {
		TenantQuota quota = caller.quota();
		double perSecond = (quota.submitsPerSecond() != null) ? quota.submitsPerSecond()
				: this.properties.submitsPerSecond();
		int burst = (quota.submitBurst() != null) ? quota.submitBurst() : this.properties.submitBurst();
		SubmitRate rate = this.buckets
			.get(new BucketKey(caller.tenant(), perSecond, burst),
					(key) -> new TokenBucket(perSecond, burst, this.nanoTime.getAsLong()))
			.take(this.nanoTime.getAsLong());
		QueuedJobs queued = queuedJobs(caller);
		if (!rate.admitted()) {
			throw QuotaExceededException.submitRate(rate, queued);
		}
		if (queued.remaining() < 1) {
			throw QuotaExceededException.queuedJobs(rate, queued, 1);
		}
		return new Admission(rate, queued);
	}

	/**
	 * The caller's tenant's queued jobs and their limit, as this replica last counted.
	 */
	public QueuedJobs queuedJobs(Caller caller) {
		long limit = (caller.quota().maxQueuedJobs() != null) ? caller.quota().maxQueuedJobs()
				: this.properties.maxQueuedJobs();
		try {
			QueuedCount count = this.counts.get(new CountKey(caller.tenant(), limit))
				.get(this.countTimeout.toMillis(), TimeUnit.MILLISECONDS);
			return new QueuedJobs(limit, count.counted + count.admittedSince.get());
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Tenant {}: its queued jobs could not be counted; admitting: {}", caller.tenant(),
					Futures.unwrap(ex).toString());
			return new QueuedJobs(limit, 0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new QueuedJobs(limit, 0);
		}
	}

	/**
	 * Counts {@code jobs} more of the caller's tenant's as queued in this replica, until
	 * it counts them anew, so that its next admissions see them.
	 */
	public void queued(Caller caller, long jobs) {
		long limit = (caller.quota().maxQueuedJobs() != null) ? caller.quota().maxQueuedJobs()
				: this.properties.maxQueuedJobs();
		QueuedCount count = this.counts.synchronous().getIfPresent(new CountKey(caller.tenant(), limit));
		if (count != null) {
			count.admittedSince.addAndGet(jobs);
		}
	}

	/**
	 * What admitted a submit.
	 *
	 * @param rate the submit rate limit after the submit took its token
	 * @param queued the queued-jobs limit before the submit's jobs
	 */
	public record Admission(SubmitRate rate, QueuedJobs queued) {

	}

	private record BucketKey(TenantId tenant, double perSecond, int burst) {

	}

	private record CountKey(TenantId tenant, long limit) {

	}

	private static final class QueuedCount {

		private final long counted;

		private final AtomicLong admittedSince = new AtomicLong();

		QueuedCount(long counted, long admittedSince) {
			this.counted = counted;
			this.admittedSince.set(admittedSince);
		}

	}

}
