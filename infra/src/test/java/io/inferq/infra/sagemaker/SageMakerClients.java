package io.inferq.infra.sagemaker;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

/**
 * Real SDK clients pointed at an emulator, without retries so that every error shows.
 */
final class SageMakerClients {

	private SageMakerClients() {
	}

	static SageMakerRuntimeClient runtime(SageMakerEmulator emulator) {
		return configure(SageMakerRuntimeClient.builder(), emulator.endpoint()).build();
	}

	static SageMakerRuntimeAsyncClient runtimeAsync(SageMakerEmulator emulator) {
		return configure(SageMakerRuntimeAsyncClient.builder(), emulator.endpoint()).build();
	}

	/** An async client that gives up on a call after {@code apiCallTimeout}. */
	static SageMakerRuntimeAsyncClient runtimeAsync(SageMakerEmulator emulator, Duration apiCallTimeout) {
		return configure(SageMakerRuntimeAsyncClient.builder(), emulator.endpoint())
			.overrideConfiguration(
					(override) -> override.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(apiCallTimeout))
			.build();
	}

	static SageMakerClient controlPlane(SageMakerEmulator emulator) {
		return configure(SageMakerClient.builder(), emulator.endpoint()).build();
	}

	private static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
		return builder.endpointOverride(endpoint)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.overrideConfiguration((override) -> override.retryStrategy(AwsRetryStrategy.doNotRetry()));
	}

}
