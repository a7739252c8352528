package io.inferq.infra.local;

import java.util.Map;

import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process stand-ins, with plain SDK clients.
 */
class LocalAwsTest {

	private final LocalAws aws = LocalAws.shared();

	@ParameterizedTest
	@CsvSource({ "inferq-jobs, inferq-jobs-dlq, 180, 10", "inferq-jobs-bulk, inferq-jobs-dlq, 180, 10",
			"inferq-webhooks, inferq-webhooks-dlq, 60, 12" })
	void queues_shouldExist_withTheRedrivePolicyToTheDeadLetterQueue(String queue, String dlq, String visibility,
			String maxReceiveCount) {
		try (SqsClient sqs = this.aws.configure(SqsClient.builder(), this.aws.sqsEndpoint()).build()) {
			String dlqUrl = sqs.getQueueUrl((request) -> request.queueName(dlq)).queueUrl();
			Map<QueueAttributeName, String> dlqAttributes = sqs
				.getQueueAttributes((request) -> request.queueUrl(dlqUrl).attributeNames(QueueAttributeName.ALL))
				.attributes();
			String queueUrl = sqs.getQueueUrl((request) -> request.queueName(queue)).queueUrl();

			Map<QueueAttributeName, String> attributes = sqs
				.getQueueAttributes((request) -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL))
				.attributes();

			String dlqArn = "arn:aws:sqs:us-east-1:000000000000:" + dlq;
			// ElasticMQ keeps no retention period, so the DLQ's 14 days are not shown
			// here.
			assertThat(dlqAttributes).containsEntry(QueueAttributeName.QUEUE_ARN, dlqArn);
			assertThat(attributes).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, visibility)
				// as ElasticMQ renders it back: the count as a number
				.containsEntry(QueueAttributeName.REDRIVE_POLICY,
						"{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":" + maxReceiveCount + "}");
		}
	}

	@Test
	void resourceCreation_shouldBeIdempotent() {
		io.inferq.infra.JobResources.createIfAbsent(this.aws);
	}

	@Test
	void table_shouldExist_onDemand_withTimeToLive() {
		try (DynamoDbClient dynamoDb = this.aws.configure(DynamoDbClient.builder(), this.aws.dynamoDbEndpoint())
			.build()) {
			TableDescription table = dynamoDb.describeTable((request) -> request.tableName(JobTable.DEFAULT_NAME))
				.table();

			assertThat(table.keySchema()).singleElement()
				.satisfies((key) -> assertThat(key.attributeName()).isEqualTo(JobTable.KEY));
			assertThat(table.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
			assertThat(dynamoDb.describeTimeToLive((request) -> request.tableName(JobTable.DEFAULT_NAME))
				.timeToLiveDescription()).satisfies((ttl) -> {
					assertThat(ttl.attributeName()).isEqualTo(JobTable.TTL_ATTRIBUTE);
					assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
				});
		}
	}

	@Test
	void springProperties_shouldPointTheAppsAtTheStandIns() {
		assertThat(this.aws.springProperties())
			.containsOnlyKeys("spring.cloud.aws.region.static", "spring.cloud.aws.credentials.access-key",
					"spring.cloud.aws.credentials.secret-key", "spring.cloud.aws.sqs.endpoint",
					"spring.cloud.aws.dynamodb.endpoint", "spring.cloud.aws.s3.endpoint",
					"spring.cloud.aws.s3.path-style-access-enabled", "spring.cloud.aws.sns.endpoint",
					"inferq.worker.sagemaker-endpoint", "inferq.aws.create-resources")
			.containsEntry("spring.cloud.aws.sns.endpoint", this.aws.snsEndpoint().toString())
			.containsEntry("spring.cloud.aws.s3.endpoint", this.aws.s3Endpoint().toString())
			.containsEntry("spring.cloud.aws.region.static", "us-east-1")
			.containsEntry("spring.cloud.aws.sqs.endpoint", this.aws.sqsEndpoint().toString())
			.containsEntry("inferq.worker.sagemaker-endpoint", this.aws.sageMakerEndpoint().toString())
			.containsEntry("inferq.aws.create-resources", "true");
		assertThat(this.aws.sageMaker().endpoints()).extracting((endpoint) -> endpoint.name())
			.contains(LocalAws.DEFAULT_ENDPOINT_NAME);
	}

}
