package io.inferq.config;

import java.time.Duration;

import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

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

	/**
	 * One set of Netty event loops for every AWS client of the process (a thread per
	 * core), instead of one set per client of twice as many threads each.
	 */
	private static final SdkEventLoopGroup EVENT_LOOPS = SdkEventLoopGroup.builder()
		.numberOfThreads(Runtime.getRuntime().availableProcessors())
		.build();

	/**
	 * Completes a client's futures on the event loop that read the response, instead of
	 * handing each to a thread of the SDK's own pool: the apps never block on those
	 * threads (what runs there only starts more asynchronous work).
	 */
	public static void completeOnEventLoop(ClientAsyncConfiguration.Builder async) {
		async.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run);
	}

	/** A Netty client builder with the settings above, to be configured further. */
	public static NettyNioAsyncHttpClient.Builder netty() {
		return NettyNioAsyncHttpClient.builder().connectionMaxIdleTime(MAX_IDLE).eventLoopGroup(EVENT_LOOPS);
	}

}
