package io.inferq.infra;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.inferq.infra.sagemaker.SageMakerEmulator;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * Stand-ins for the AWS services inferq uses, running somewhere local: SQS, DynamoDB, S3,
 * SNS and a SageMaker endpoint emulator, with the jobs table, queues, payloads bucket and
 * event topics created. Test scenarios written against this interface run against every
 * implementation.
 */
public interface AwsEnvironment {

	/** The SQS endpoint URL. */
	URI sqsEndpoint();

	/** The DynamoDB endpoint URL. */
	URI dynamoDbEndpoint();

	/** The S3 endpoint URL (path-style addressing). */
	URI s3Endpoint();

	/** The SNS endpoint URL. */
	URI snsEndpoint();

	/**
	 * The ARN of a topic {@link JobResources} created, by name (for example
	 * {@code EventTopicNames.DEFAULT_SUCCESS_NAME}).
	 */
	default String topicArn(String name) {
		return "arn:aws:sns:" + region() + ":000000000000:" + name;
	}

	/** The SageMaker (Runtime and control plane) endpoint URL. */
	URI sageMakerEndpoint();

	/** The SageMaker emulator, to define endpoints and read their stats. */
	SageMakerEmulator sageMaker();

	/** The region the stand-ins answer for. */
	String region();

	/** Credentials the stand-ins accept. */
	AwsCredentialsProvider credentialsProvider();

	/**
	 * The properties that point the inferq apps at these stand-ins, for
	 * {@code @DynamicPropertySource}; they also make the apps create the table, queues
	 * and bucket if missing.
	 */
	default Map<String, String> springProperties() {
		AwsCredentials credentials = credentialsProvider().resolveCredentials();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.cloud.aws.region.static", region());
		properties.put("spring.cloud.aws.credentials.access-key", credentials.accessKeyId());
		properties.put("spring.cloud.aws.credentials.secret-key", credentials.secretAccessKey());
		properties.put("spring.cloud.aws.sqs.endpoint", sqsEndpoint().toString());
		properties.put("spring.cloud.aws.dynamodb.endpoint", dynamoDbEndpoint().toString());
		properties.put("spring.cloud.aws.s3.endpoint", s3Endpoint().toString());
		properties.put("spring.cloud.aws.sns.endpoint", snsEndpoint().toString());
		properties.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
		properties.put("inferq.worker.sagemaker-endpoint", sageMakerEndpoint().toString());
		properties.put("inferq.aws.create-resources", "true");
		return properties;
	}

	/**
	 * Points an SDK client builder at {@code endpoint} with this environment's region and
	 * credentials, for example
	 * {@code env.configure(SqsAsyncClient.builder(), env.sqsEndpoint()).build()}.
	 */
	default <B extends AwsClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
		return builder.endpointOverride(endpoint)
			.region(Region.of(region()))
			.credentialsProvider(credentialsProvider());
	}

}
