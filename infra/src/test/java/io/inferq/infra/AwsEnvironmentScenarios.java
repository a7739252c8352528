package io.inferq.infra;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.message.JobMessage;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobQueue;
import io.inferq.payload.ClaimCheckJobStore;
import io.inferq.payload.PayloadStoreException;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.payload.s3.S3PayloadStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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

	@Test
	void aLargeInput_shouldBeKeptInTheBucketAndComeBackByteExact() throws Exception {
		AwsEnvironment aws = aws();
		byte[] image = new byte[300 * 1024];
		new Random(7).nextBytes(image);
		try (DynamoDbAsyncClient dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint())
			.build(); S3AsyncClient s3 = JobResources.s3(aws).build()) {
			S3PayloadStore payloads = new S3PayloadStore(s3, PayloadBucket.DEFAULT_NAME, PayloadBucket.DEFAULT_PREFIX,
					List.of("s3://" + PayloadBucket.DEFAULT_NAME + "/clients/"));
			ClaimCheckJobStore store = new ClaimCheckJobStore(
					new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(1)), payloads, 4096);
			Job job = Job.submit(JobId.random(), new Payload(image, "image/jpeg"), null, Map.of(), Instant.now(),
					Duration.ofHours(1));

			store.create(job).join();
			Payload stored = store.find(job.id()).join().orElseThrow().input();

			assertThat(stored.isStored()).isTrue();
			assertThat(stored.ref().key()).startsWith(PayloadBucket.DEFAULT_PREFIX);
			assertThat(stored.ref().size()).isEqualTo(image.length);
			assertThat(payloads.get(stored, image.length).join()).isEqualTo(new Payload(image, "image/jpeg"));
			try (InputStream streamed = payloads.open(stored).join()) {
				assertThat(streamed.readAllBytes()).isEqualTo(image);
			}
			assertThat(catchThrowable(() -> payloads.get(stored, image.length - 1).join()).getCause())
				.isInstanceOfSatisfying(PayloadStoreException.class,
						(ex) -> assertThat(ex.reason()).isEqualTo(PayloadStoreException.TOO_LARGE));
		}
	}

	@Test
	void aClientsObject_shouldBeReadOnlyFromAllowedLocations() {
		AwsEnvironment aws = aws();
		byte[] bytes = "{\"price\":1.10}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		try (S3AsyncClient s3 = JobResources.s3(aws).build()) {
			s3.putObject((request) -> request.bucket(PayloadBucket.DEFAULT_NAME).key("clients/a.json"),
					AsyncRequestBody.fromBytes(bytes))
				.join();
			S3PayloadStore payloads = new S3PayloadStore(s3, PayloadBucket.DEFAULT_NAME, PayloadBucket.DEFAULT_PREFIX,
					List.of("s3://" + PayloadBucket.DEFAULT_NAME + "/clients/"));
			Payload named = Payload.stored(PayloadRef.clientObject("s3://inferq-payloads/clients/a.json"),
					"application/json");

			assertThat(payloads.describe(named, 100).join().size()).isEqualTo(bytes.length);
			assertThat(payloads.get(named, 100).join().bytes()).isEqualTo(bytes);
			assertThat(reason(() -> payloads.get(named, bytes.length - 1).join()))
				.isEqualTo(PayloadStoreException.TOO_LARGE);
			assertThat(reason(() -> payloads
				.describe(Payload.stored(PayloadRef.clientObject("s3://inferq-payloads/clients/none"), "x/y"), 100)
				.join())).isEqualTo(PayloadStoreException.NOT_FOUND);
			assertThat(reason(() -> payloads
				.get(Payload.stored(PayloadRef.clientObject("s3://inferq-payloads/payloads/x"), "x/y"), 100)
				.join())).isEqualTo(PayloadStoreException.LOCATION_REFUSED);
			assertThat(reason(() -> payloads
				.get(Payload.stored(PayloadRef.clientObject("s3://elsewhere/clients/a.json"), "x/y"), 100)
				.join())).isEqualTo(PayloadStoreException.LOCATION_REFUSED);
			payloads.delete(named).join();
			assertThat(payloads.get(named, 100).join().bytes()).isEqualTo(bytes);
		}
	}

	private static String reason(Runnable call) {
		Throwable failure = catchThrowable(call::run);
		assertThat(failure.getCause()).isInstanceOf(PayloadStoreException.class);
		return ((PayloadStoreException) failure.getCause()).reason();
	}

}
