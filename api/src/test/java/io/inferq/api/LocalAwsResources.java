package io.inferq.api;

import io.inferq.infra.local.LocalAws;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The shared stand-ins, with a table and queues of a test class's own, so that test
 * classes never see each other's jobs or messages.
 */
final class LocalAwsResources {

	private LocalAwsResources() {
	}

	/**
	 * Points the API at the stand-ins, with the table and interactive queue
	 * {@code prefix}, the bulk queue {@code prefix-bulk} and the dead-letter queue
	 * {@code prefix-dlq}.
	 */
	static void register(DynamicPropertyRegistry registry, String prefix) {
		LocalAws.shared().springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("inferq.aws.table-name", () -> prefix);
		registry.add("inferq.aws.queue-name", () -> prefix);
		registry.add("inferq.aws.bulk-queue-name", () -> prefix + "-bulk");
		registry.add("inferq.aws.dead-letter-queue-name", () -> prefix + "-dlq");
	}

	/** A client of the stand-ins' SQS, to look into the queues; close it after. */
	static SqsAsyncClient sqs() {
		LocalAws aws = LocalAws.shared();
		return aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
	}

}
