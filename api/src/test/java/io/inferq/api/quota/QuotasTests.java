package io.inferq.api.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.inferq.api.security.Caller;
import io.inferq.job.JobStatus;
import io.inferq.store.TenantListings;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * {@link Quotas} on a clock of its own: a tenant's burst, then refusals until its rate
 * refills a token; its queued-jobs limit; and limits set by its credential.
 */
class QuotasTests {

	private static final TenantId ACME = new TenantId("acme");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final TenantListings listings = mock(TenantListings.class);

	private Quotas quotas;

	@BeforeEach
	void quotas() {
		given(this.listings.countJobs(eq(ACME), eq(JobStatus.QUEUED), anyLong()))
			.willReturn(CompletableFuture.completedFuture(0L));
		this.quotas = new Quotas(this.listings, new QuotaProperties(2, 3, 10, Duration.ofMinutes(1)),
				Duration.ofSeconds(1), this.nanos::get);
	}

	@Test
	void admit_shouldAdmitABurst_thenRefuseUntilTheRateRefillsAToken() {
		Caller caller = caller(TenantQuota.DEFAULTS);
		for (int i = 0; i < 3; i++) {
			assertThat(this.quotas.admit(caller).rate().remaining()).isEqualTo(2 - i);
		}

		assertThatThrownBy(() -> this.quotas.admit(caller)).isInstanceOfSatisfying(QuotaExceededException.class,
				(ex) -> {
					assertThat(ex.isQueuedJobsLimit()).isFalse();
					assertThat(ex.retryAfter()).isEqualTo(Duration.ofMillis(500));
					assertThat(ex.rate().remaining()).isZero();
				});
		this.nanos.addAndGet(Duration.ofMillis(499).toNanos());
		assertThatThrownBy(() -> this.quotas.admit(caller)).isInstanceOf(QuotaExceededException.class);
		this.nanos.addAndGet(Duration.ofMillis(2).toNanos());
		assertThat(this.quotas.admit(caller).rate().admitted()).isTrue();
	}

	@Test
	void admit_shouldRefuse_onceTheTenantsQueuedJobsReachItsLimit() {
		Caller caller = caller(new TenantQuota(1000.0, 1000, null));
		given(this.listings.countJobs(ACME, JobStatus.QUEUED, 10)).willReturn(CompletableFuture.completedFuture(8L));

		this.quotas.admit(caller);
		this.quotas.queued(caller, 1);
		this.quotas.admit(caller);
		this.quotas.queued(caller, 1);

		assertThatThrownBy(() -> this.quotas.admit(caller)).isInstanceOfSatisfying(QuotaExceededException.class,
				(ex) -> {
					assertThat(ex.isQueuedJobsLimit()).isTrue();
					assertThat(ex.queued()).isEqualTo(new QueuedJobs(10, 10));
					assertThat(ex.retryAfter()).isEqualTo(QuotaExceededException.QUEUED_RETRY_AFTER);
				});
	}

	@Test
	void admit_shouldFollowTheCredentialsOwnLimits() {
		Caller generous = caller(new TenantQuota(100.0, 50, 1_000_000L));
		given(this.listings.countJobs(ACME, JobStatus.QUEUED, 1_000_000L))
			.willReturn(CompletableFuture.completedFuture(500_000L));

		for (int i = 0; i < 50; i++) {
			this.quotas.admit(generous);
		}

		assertThat(this.quotas.queuedJobs(generous)).isEqualTo(new QueuedJobs(1_000_000L, 500_000L));
		assertThatThrownBy(() -> this.quotas.admit(generous)).isInstanceOf(QuotaExceededException.class);
		assertThat(this.quotas.admit(caller(TenantQuota.DEFAULTS)).rate().burst()).isEqualTo(3);
	}

	@Test
	void queuedJobs_shouldAdmit_whenTheCountFails() {
		given(this.listings.countJobs(ACME, JobStatus.QUEUED, 10))
			.willReturn(CompletableFuture.failedFuture(new IllegalStateException("DynamoDB is down")));

		assertThat(this.quotas.queuedJobs(caller(TenantQuota.DEFAULTS))).isEqualTo(new QueuedJobs(10, 0));
	}

	private static Caller caller(TenantQuota quota) {
		return new Caller(ACME, quota, "test");
	}

}
