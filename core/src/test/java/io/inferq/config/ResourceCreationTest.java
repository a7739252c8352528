package io.inferq.config;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The start's patience with AWS: the failures are the SDK's own exception types, as its
 * clients complete their futures with them.
 */
class ResourceCreationTest {

	@Test
	void timeoutsAndRefusedConnections_shouldBeTriedAgainUntilTheCreationCompletes() throws InterruptedException {
		AtomicInteger tries = new AtomicInteger();

		ResourceCreation.await("the table", () -> switch (tries.incrementAndGet()) {
			case 1 -> CompletableFuture.failedFuture(ApiCallTimeoutException.create(5000));
			case 2 -> CompletableFuture.failedFuture(SdkClientException.create("Connection refused"));
			case 3 -> CompletableFuture.failedFuture(service(503, "ServiceUnavailable"));
			default -> CompletableFuture.completedFuture(null);
		}, Duration.ofSeconds(30));

		assertThat(tries).hasValue(4);
	}

	@Test
	void aRefusalThatWillNotPass_shouldEndTheStartAtOnce() {
		AtomicInteger tries = new AtomicInteger();

		assertThatThrownBy(() -> ResourceCreation.await("the table", () -> {
			tries.incrementAndGet();
			return CompletableFuture.failedFuture(service(400, "AccessDeniedException"));
		}, Duration.ofSeconds(30))).isInstanceOf(IllegalStateException.class)
			.hasMessageStartingWith("Could not create the table (1 tries");
		assertThat(tries).hasValue(1);
	}

	@Test
	void timeoutsThatLastBeyondThePatience_shouldEndTheStartNamingTheCause() {
		long start = System.nanoTime();

		assertThatThrownBy(() -> ResourceCreation.await("the queues",
				() -> CompletableFuture.failedFuture(ApiCallTimeoutException.create(5000)), Duration.ofSeconds(2)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Could not create the queues")
			.hasMessageContaining("5000 millis")
			.hasCauseInstanceOf(ApiCallTimeoutException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	void aCreationThatHangs_shouldEndWhenThePatienceIsOver() {
		assertThatThrownBy(() -> ResourceCreation.await("the bucket", CompletableFuture::new, Duration.ofMillis(300)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Could not create the bucket");
	}

	private static AwsServiceException service(int status, String code) {
		return AwsServiceException.builder()
			.statusCode(status)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
			.build();
	}

}
