package io.inferq.api;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A results export whose job store fails midway, on a real DynamoDB client whose reads
 * are made to fail at its wire: the client must not mistake what it got for the whole
 * batch.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
class ResultsExportFailureIntegrationTests {

	@Autowired
	private FailingReads reads;

	@LocalServerPort
	private int port;

	private ApiClient api;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, "api-it-export-failure");
	}

	@Test
	void aStoreFailureAfterTheFirstLinesWereSent_breaksTheResponseOff_insteadOfEndingItCleanly() {
		String results = exportOf(250);
		// Lines long enough for the first page to fill the server's buffer, so that the
		// response has started when the second page's read fails.
		assertThat(new String(this.api.get(results).body()).lines()).as("the whole export first").hasSize(250);

		this.reads.failAfter(1);

		assertThatThrownBy(() -> this.api.get(results)).as("an incomplete chunked body")
			.isInstanceOf(UncheckedIOException.class);
	}

	@Test
	void aStoreFailureBeforeAnythingWasSent_isA503() {
		String results = exportOf(10);

		this.reads.failAfter(0);
		HttpResponse<byte[]> response = this.api.get(results);

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@BeforeEach
	void client() {
		this.reads.failAfter(Integer.MAX_VALUE);
		this.api = new ApiClient(this.port);
	}

	private String exportOf(int items) {
		String padding = "x".repeat(50);
		String ndjson = IntStream.range(0, items)
			.mapToObj((n) -> "{\"customId\": \"item-" + n + "-" + padding + "\", \"input\": {\"n\": " + n + "}}")
			.collect(Collectors.joining("\n"));
		HttpResponse<byte[]> created = this.api.post("/v1/batches", BatchApiIntegrationTests.NDJSON, ndjson);
		assertThat(created.statusCode()).isEqualTo(202);
		return "/v1/batches/" + ApiClient.json(created).get("id").asString() + "/results";
	}

	/**
	 * The job store's DynamoDB client, whose reads of many jobs fail once told to.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class FailingReads implements ExecutionInterceptor {

		private final AtomicInteger readsLeft = new AtomicInteger(Integer.MAX_VALUE);

		void failAfter(int reads) {
			this.readsLeft.set(reads);
		}

		@Override
		public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
			SdkRequest request = context.request();
			if (request instanceof BatchGetItemRequest reads && !isOfBatchRecords(reads)
					&& this.readsLeft.getAndDecrement() <= 0) {
				throw SdkClientException.create("Injected: DynamoDB cannot be reached");
			}
		}

		/** A read of a batch's record and counters, not of its jobs. */
		private static boolean isOfBatchRecords(BatchGetItemRequest reads) {
			return reads.requestItems()
				.values()
				.stream()
				.flatMap((keys) -> keys.keys().stream())
				.allMatch((key) -> key.get(JobTable.KEY).s().startsWith(JobTable.BATCH_KEY_PREFIX));
		}

		@Bean
		@Primary
		DynamoDbAsyncClient failingDynamoDbClient() {
			LocalAws aws = LocalAws.shared();
			return aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
				.overrideConfiguration((config) -> config.addExecutionInterceptor(this))
				.build();
		}

	}

}
