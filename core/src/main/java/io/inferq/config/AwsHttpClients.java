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
	 * that each paid for a new connection (on AWS, a TLS handshake): on
	 * {@code bin/run-local}, 4 submits after 12 s without requests took 80-110 ms against
	 * 35-55 ms right after others.
	 */
	public static final Duration MAX_IDLE = Duration.ofSeconds(60);

	private AwsHttpClients() {
	}

	/** A Netty client builder with the settings above, to be configured further. */
	public static NettyNioAsyncHttpClient.Builder netty() {
		return NettyNioAsyncHttpClient.builder().connectionMaxIdleTime(MAX_IDLE);
	}

}
