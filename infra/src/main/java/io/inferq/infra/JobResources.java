package io.inferq.infra;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.message.sqs.JobQueues;
import io.inferq.webhook.sns.EventTopicNames;
import io.inferq.webhook.sqs.WebhookQueues;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.dynamodb.JobTable;
import io.netty.channel.nio.NioEventLoopGroup;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Creates the jobs table, queues (the webhook delivery queues among them), payloads
 * bucket and the operator's event topics in an {@link AwsEnvironment}, exactly as core's
 * {@link JobTable}, {@link JobQueues}, {@link WebhookQueues}, {@link PayloadBucket} and
 * {@link EventTopicNames} define them, under their default names. The topics cost nothing
 * unused: the apps publish to them only when given their ARNs.
 */
public final class JobResources {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	/** The apps' default retention, which the bucket's lifecycle rule follows. */
	private static final Duration RETENTION = Duration.ofDays(7);

	private JobResources() {
	}

	/**
	 * Creates what is missing and waits until it exists; idempotent.
	 * @throws IllegalStateException if it could not be done within a minute
	 */
	public static void createIfAbsent(AwsEnvironment environment) {
		// One event loop of our own, shut down without the SDK's graceful quiet period,
		// which would add seconds to every start.
		NioEventLoopGroup eventLoop = new NioEventLoopGroup(1);
		try (SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
			.eventLoopGroup(SdkEventLoopGroup.create(eventLoop))
			.build();
				DynamoDbAsyncClient dynamoDb = environment
					.configure(DynamoDbAsyncClient.builder(), environment.dynamoDbEndpoint())
					.httpClient(http)
					.build();
				SqsAsyncClient sqs = environment.configure(SqsAsyncClient.builder(), environment.sqsEndpoint())
					.httpClient(http)
					.build();
				S3AsyncClient s3 = s3(environment).httpClient(http).build();
				SnsAsyncClient sns = environment.configure(SnsAsyncClient.builder(), environment.snsEndpoint())
					.httpClient(http)
					.build()) {
			CompletableFuture
				.allOf(JobTable.createIfAbsent(dynamoDb, JobTable.DEFAULT_NAME),
						JobQueues.createIfAbsent(sqs, JobQueues.DEFAULT_NAME, JobQueues.DEFAULT_BULK_NAME,
								JobQueues.DEFAULT_DLQ_NAME),
						WebhookQueues.createIfAbsent(sqs, WebhookQueues.DEFAULT_NAME, WebhookQueues.DEFAULT_DLQ_NAME),
						PayloadBucket.createIfAbsent(s3, PayloadBucket.DEFAULT_NAME, PayloadBucket.DEFAULT_PREFIX,
								RETENTION),
						EventTopicNames.createIfAbsent(sns,
								List.of(EventTopicNames.DEFAULT_SUCCESS_NAME, EventTopicNames.DEFAULT_ERROR_NAME)))
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the jobs table, queues and bucket", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the jobs table, queues and bucket", ex);
		}
		finally {
			eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	/**
	 * An S3 client builder for the environment, path-style as stand-ins need, without the
	 * SDK's own checksums unless S3 requires them (as the apps' client).
	 */
	public static S3AsyncClientBuilder s3(AwsEnvironment environment) {
		return environment.configure(S3AsyncClient.builder(), environment.s3Endpoint())
			.forcePathStyle(true)
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
	}

}
