package io.inferq.api.jobs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.webhooks.Callbacks;
import io.inferq.api.quota.QuotaProperties;
import io.inferq.api.quota.Quotas;
import io.inferq.api.security.SecurityConfiguration;
import io.inferq.api.web.BufferedBodies;
import io.inferq.payload.PayloadStore;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyStore;
import io.inferq.store.JobStatuses;
import io.inferq.api.watch.LongPolls;
import io.inferq.api.eta.Estimates;
import io.inferq.api.eta.EtaProperties;
import io.inferq.message.QueueDepths;
import io.inferq.pace.PaceSource;
import io.inferq.api.watch.WatchProperties;
import io.inferq.store.TenantListings;
import io.inferq.tenant.ApiKeyStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A {@link WebMvcTest} of {@link JobController} with the real service, reader and error
 * handling, a clock fixed at {@link JobFixtures#NOW}, and the ports left to mock (the
 * idempotency, key, batch and payload stores are mocked here, for the tests that do not
 * use them). Requests without credentials are the default tenant's (anonymous access
 * enabled).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WebMvcTest(controllers = JobController.class, properties = "inferq.api.security.anonymous=true")
@MockitoBean(types = { JobStatuses.class, QueueDepths.class, PaceSource.class, IdempotencyStore.class,
		ApiKeyStore.class, PayloadStore.class, BatchStore.class })
@Import({ JobService.class, SubmitRequestReader.class, BufferedBodies.class, SubmissionMetrics.class,
		LocatedInputs.class, Outputs.class, LongPolls.class, Estimates.class, BodyBudget.class,
		SecurityConfiguration.class, Quotas.class, JobWebTest.Configuration.class })
@interface JobWebTest {

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ ApiProperties.class, QuotaProperties.class, WatchProperties.class,
			EtaProperties.class })
	class Configuration {

		/** Callbacks to public addresses, no tenant with a default endpoint. */
		@Bean
		Callbacks callbacks() {
			return Callbacks.publicOnly();
		}

		/** No tenant has jobs queued, as far as the quotas can tell. */
		@Bean
		TenantListings tenantListings() {
			TenantListings listings = Mockito.mock(TenantListings.class);
			Mockito.when(listings.countJobs(ArgumentMatchers.any(), ArgumentMatchers.any(), ArgumentMatchers.anyLong()))
				.thenReturn(CompletableFuture.completedFuture(0L));
			return listings;
		}

		@Bean
		Clock clock() {
			return Clock.fixed(JobFixtures.NOW, ZoneOffset.UTC);
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
