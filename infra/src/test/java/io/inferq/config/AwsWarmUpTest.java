package io.inferq.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.inferq.infra.JobResources;
import io.inferq.infra.local.LocalAws;
import io.inferq.message.sqs.JobQueues;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up answers whether DynamoDB and SQS answered, and leaves nothing behind: no
 * record in the table, no message in either queue. Budget: about 2 s.
 */
class AwsWarmUpTest {

	private static LocalAws aws;

	private static DynamoDbAsyncClient dynamoDb;

	private static SqsAsyncClient sqs;

	private static S3AsyncClient s3;

	@BeforeAll
	static void connect() {
		aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
		s3 = JobResources.s3(aws).build();
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
		sqs.close();
		s3.close();
	}

	@Test
	void warmUp_answersAndLeavesNothingBehind() {
		String prefix = "warm-up-test-" + System.nanoTime();
		InferqAwsProperties properties = properties(prefix);
		JobTable.createIfAbsent(dynamoDb, properties.tableName()).join();
		JobQueues
			.createIfAbsent(sqs, properties.queueName(), properties.bulkQueueName(), properties.deadLetterQueueName())
			.join();

		boolean answered = new AwsWarmUp(dynamoDb, sqs, s3, properties).run(3, Duration.ofSeconds(30));

		assertThat(answered).isTrue();
		assertThat(dynamoDb.scan((scan) -> scan.tableName(properties.tableName())).join().count()).isZero();
		for (String queue : List.of(properties.queueName(), properties.bulkQueueName())) {
			String url = sqs.getQueueUrl((request) -> request.queueName(queue)).join().queueUrl();
			assertThat(sqs
				.getQueueAttributes((request) -> request.queueUrl(url)
					.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
							QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
				.join()
				.attributes()
				.values()).containsOnly("0");
		}
	}

	@Test
	void warmUp_answersFalse_whenTheTableDoesNotExist() {
		InferqAwsProperties properties = properties("warm-up-absent-" + System.nanoTime());
		try (DynamoDbAsyncClient nowhere = aws
			.configure(DynamoDbAsyncClient.builder(), URI.create("http://127.0.0.1:1"))
			.build()) {
			assertThat(new AwsWarmUp(nowhere, sqs, s3, properties).run(1, Duration.ofSeconds(10))).isFalse();
		}
	}

	private static InferqAwsProperties properties(String prefix) {
		return new InferqAwsProperties(prefix + "-jobs", prefix + "-jobs", prefix + "-jobs-bulk", prefix + "-jobs-dlq",
				false, Duration.ofDays(7), new InferqAwsProperties.Payloads("inferq-payloads", "payloads/",
						DataSize.ofKilobytes(4), DataSize.ofMegabytes(6), List.of()));
	}

}
