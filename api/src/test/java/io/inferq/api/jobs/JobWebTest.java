package io.inferq.api.jobs;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;
import java.time.ZoneOffset;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.web.BufferedBodies;
import io.inferq.store.BatchStore;
import io.inferq.store.IdempotencyStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * A {@link WebMvcTest} of {@link JobController} with the real service, reader and error
 * handling, a clock fixed at {@link JobFixtures#NOW}, and the ports left to mock (the
 * idempotency and batch stores are mocked here, for the tests that do not use them).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WebMvcTest(JobController.class)
@MockitoBean(types = { IdempotencyStore.class, BatchStore.class })
@Import({ JobService.class, SubmitRequestReader.class, BufferedBodies.class, SubmissionMetrics.class,
		JobWebTest.Configuration.class })
@interface JobWebTest {

	@TestConfiguration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ApiProperties.class)
	class Configuration {

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
