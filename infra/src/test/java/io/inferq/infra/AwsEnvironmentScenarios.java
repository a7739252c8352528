package io.inferq.infra;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end scenarios that every {@link AwsEnvironment} must pass: a job goes through
 * the table, the queue and the endpoint, with core's adapters and the SDK.
 */
abstract class AwsEnvironmentScenarios {

	/** The environment under test. */
	protected abstract AwsEnvironment aws();

	@Test
	void aJob_shouldGoThroughTheTableTheQueueAndTheEndpoint() {
		AwsEnvironment aws = aws();
		aws.sageMaker().define(EndpointSpec.builder("scenario").latency(Duration.ofMillis(20)).build());
		try (DynamoDbAsyncClient dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.build();
				SqsAsyncClient sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
				SageMakerRuntimeClient sageMaker = aws
					.configure(SageMakerRuntimeClient.builder(), aws.sageMakerEndpoint())
					.build()) {
			Job job = Job.submit(JobId.random(), Payload.json("{\"prompt\":\"hi\"}"), null, Map.of(), Instant.now(),
					Duration.ofHours(1));
			new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(1)).create(job).join();
			new SqsJobQueue(sqs, JobQueues.DEFAULT_NAME).send(JobMessage.of(job.id())).join();

			String queueUrl = sqs.getQueueUrl((request) -> request.queueName(JobQueues.DEFAULT_NAME)).join().queueUrl();
			List<Message> received = sqs
				.receiveMessage((request) -> request.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(5))
				.join()
				.messages();
			String answer = sageMaker
				.invokeEndpoint((request) -> request.endpointName("scenario")
					.contentType(job.input().contentType())
					.body(SdkBytes.fromByteArray(job.input().bytes())))
				.body()
				.asUtf8String();

			assertThat(received).anyMatch((message) -> message.body().contains(job.id().value()));
			assertThat(answer).isEqualTo("{\"message\":\"finish\"}");
			assertThat(aws.sageMaker().stats("scenario").succeeded()).isEqualTo(1);
		}
	}

}
