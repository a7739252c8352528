package io.inferq.config;

import java.time.Duration;

import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;

/**
 * The HTTP client settings of the apps' asynchronous AWS clients (DynamoDB, SQS, S3, SNS,
 * SageMaker, CloudWatch).
 */
public final class AwsHttpClients {

	/**
	 * How long a pooled connection may stay idle before the client closes it: 60 s, the
	 * AWS SDK's global default (its Apache client's). The Netty client's own default is 5
	 * s, which closed the API's connections between a caller's occasional requests, so
	 * that each paid for a new connection (on AWS, a TLS handshake); and those the
	 * warm-up opened before {@code bin/run-local} reported ready, so that the seed's
	 * first submits took 397-492 ms against 322-339 ms with this
	 * ({@code bin/seed-after-start}).
	 */
	public static final Duration MAX_IDLE = Duration.ofSeconds(60);

	private AwsHttpClients() {
	}

	/** A Netty client builder with the settings above, to be configured further. */
	public static NettyNioAsyncHttpClient.Builder netty() {
		return NettyNioAsyncHttpClient.builder().connectionMaxIdleTime(MAX_IDLE);
	}

}
