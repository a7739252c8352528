package io.inferq.infra.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shapes of configuration properties that {@link CloudFormationTemplateTest} must
 * read from the worker's sources.
 */
class AppSourcesTest {

	@TempDir
	Path sources;

	@Test
	void configurationProperties_shouldReadNestedRecordsAndPrefixesBuiltFromConstants() throws IOException {
		write("WorkerProperties.java", """
				package example;

				@ConfigurationProperties(WorkerProperties.PREFIX)
				public record WorkerProperties(String endpointName, @DefaultValue("1") int maxAttempts,
						Concurrency concurrency) {

					public static final String PREFIX = "inferq.worker";

					public record Concurrency(String mode, Integer requestsPerInstance) {
					}

				}
				""");
		write("metrics/MetricProperties.java", """
				package example.metrics;

				@ConfigurationProperties(prefix = MetricProperties.PREFIX)
				record MetricProperties(boolean enabled, java.time.Duration interval) {

					static final String PREFIX = WorkerProperties.PREFIX + ".backlog-" + "metric";

				}
				""");

		AppSources parsed = AppSources.parse(this.sources);

		assertThat(parsed.configurationProperties()).containsExactlyInAnyOrder("inferq.worker.endpoint-name",
				"inferq.worker.max-attempts", "inferq.worker.concurrency.mode",
				"inferq.worker.concurrency.requests-per-instance", "inferq.worker.backlog-metric.enabled",
				"inferq.worker.backlog-metric.interval");
		assertThat(parsed.constant("MetricProperties", "PREFIX")).isEqualTo("inferq.worker.backlog-metric");
	}

	private void write(String path, String source) throws IOException {
		Path file = this.sources.resolve(path);
		Files.createDirectories(file.getParent());
		Files.writeString(file, source);
	}

}
