package io.inferq.infra;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.inferq.message.sqs.JobQueues;
import io.inferq.store.dynamodb.JobTable;
import io.netty.channel.nio.NioEventLoopGroup;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Creates the jobs table and queues in an {@link AwsEnvironment}, exactly as core's
 * {@link JobTable} and {@link JobQueues} define them, under their default names.
 */
public final class JobResources {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
					.build()) {
			CompletableFuture
				.allOf(JobTable.createIfAbsent(dynamoDb, JobTable.DEFAULT_NAME), JobQueues.createIfAbsent(sqs,
						JobQueues.DEFAULT_NAME, JobQueues.DEFAULT_BULK_NAME, JobQueues.DEFAULT_DLQ_NAME))
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the jobs table and queues", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not create the jobs table and queues", ex);
		}
		finally {
			eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

}
