package io.inferq.infra.localstack;

import java.net.URI;

import io.inferq.infra.AwsEnvironment;
import io.inferq.infra.JobResources;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.SageMakerEmulator;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * SQS, DynamoDB and S3 in a LocalStack container (Testcontainers), with the SageMaker
 * emulator in this JVM and the jobs table and queues created: the same
 * {@link AwsEnvironment} as {@code LocalAws}, closer to AWS, but needing Docker. Gate its
 * tests with {@code @Testcontainers(disabledWithoutDocker = true)}.
 */
public final class LocalStackAws implements AwsEnvironment, AutoCloseable {

	/** The LocalStack image, pinned; the one docker-compose.yml uses too. */
	public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.9");

	private final LocalStackContainer localStack;

	private final SageMakerEmulator sageMaker;

	private LocalStackAws(LocalStackContainer localStack, SageMakerEmulator sageMaker) {
		this.localStack = localStack;
		this.sageMaker = sageMaker;
	}

	/**
	 * Starts LocalStack (SQS, DynamoDB and S3) and an emulator on a free port with
	 * {@code endpoint} defined, then creates the jobs table and queues.
	 */
	@SuppressWarnings("resource") // closed by close(), or here if the start fails
	public static LocalStackAws start(EndpointSpec endpoint) {
		LocalStackContainer localStack = new LocalStackContainer(IMAGE).withServices("sqs", "dynamodb", "s3", "sns");
		SageMakerEmulator sageMaker = null;
		try {
			localStack.start();
			sageMaker = SageMakerEmulator.start(0);
			sageMaker.define(endpoint);
			LocalStackAws aws = new LocalStackAws(localStack, sageMaker);
			JobResources.createIfAbsent(aws);
			return aws;
		}
		catch (RuntimeException ex) {
			if (sageMaker != null) {
				sageMaker.close();
			}
			localStack.stop();
			throw ex;
		}
	}

	@Override
	public URI sqsEndpoint() {
		return this.localStack.getEndpoint();
	}

	@Override
	public URI dynamoDbEndpoint() {
		return this.localStack.getEndpoint();
	}

	@Override
	public URI s3Endpoint() {
		return this.localStack.getEndpoint();
	}

	@Override
	public URI snsEndpoint() {
		return this.localStack.getEndpoint();
	}

	@Override
	public URI sageMakerEndpoint() {
		return this.sageMaker.endpoint();
	}

	@Override
	public SageMakerEmulator sageMaker() {
		return this.sageMaker;
	}

	@Override
	public String region() {
		return this.localStack.getRegion();
	}

	@Override
	public AwsCredentialsProvider credentialsProvider() {
		return StaticCredentialsProvider
			.create(AwsBasicCredentials.create(this.localStack.getAccessKey(), this.localStack.getSecretKey()));
	}

	@Override
	public void close() {
		this.sageMaker.close();
		this.localStack.stop();
	}

}
