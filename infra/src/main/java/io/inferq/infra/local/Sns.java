package io.inferq.infra.local;

import java.net.URI;

import io.inferq.infra.sns.SnsStandIn;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The SNS stand-in with the SQS client it delivers through, pointed at ElasticMQ; both
 * stop together.
 */
final class Sns implements AutoCloseable {

	private final SnsStandIn standIn;

	private final SqsAsyncClient sqs;

	private Sns(SnsStandIn standIn, SqsAsyncClient sqs) {
		this.standIn = standIn;
		this.sqs = sqs;
	}

	static Sns start(String host, int port, URI sqsEndpoint) {
		SqsAsyncClient sqs = SqsAsyncClient.builder()
			.endpointOverride(sqsEndpoint)
			.region(Region.of(LocalAws.REGION))
			.credentialsProvider(LocalAws.credentials())
			.build();
		try {
			return new Sns(SnsStandIn.start(host, port, LocalAws.REGION, sqs), sqs);
		}
		catch (RuntimeException ex) {
			sqs.close();
			throw ex;
		}
	}

	URI endpoint() {
		return this.standIn.endpoint();
	}

	@Override
	public void close() {
		this.standIn.close();
		this.sqs.close();
	}

}
