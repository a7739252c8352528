package io.inferq.infra.local;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;

import io.inferq.infra.AwsEnvironment;
import io.inferq.infra.JobResources;
import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.SageMakerEmulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * SQS (ElasticMQ), DynamoDB (DynamoDB Local), S3 (S3Proxy), SNS ({@link SnsStandIn},
 * delivering to ElasticMQ) and the SageMaker emulator, all in this JVM on
 * {@code 127.0.0.1}, with the jobs table, queues, payloads bucket and event topics
 * created. Starts in a few seconds, needs no Docker.
 * <p>
 * Tests share one set per JVM through {@link #shared()}, typically from
 * {@code @DynamicPropertySource}: <pre>{@code
 * &#64;DynamicPropertySource
 * static void aws(DynamicPropertyRegistry registry) {
 *     LocalAws.shared().springProperties().forEach((name, value) -> registry.add(name, () -> value));
 * }}</pre>
 */
public final class LocalAws implements AwsEnvironment, AutoCloseable {

	/** The region the stand-ins answer for. */
	public static final String REGION = "us-east-1";

	/** The access key ID the stand-ins accept (any is accepted). */
	public static final String ACCESS_KEY = "test";

	/** The secret key the stand-ins accept (any is accepted). */
	public static final String SECRET_KEY = "test";

	/** The name of the seed's endpoint, which every set of stand-ins defines. */
	public static final String DEFAULT_ENDPOINT_NAME = "sagemaker-endpoint-test";

	private static final Logger logger = LoggerFactory.getLogger(LocalAws.class);

	private static final String HOST = InetAddress.getLoopbackAddress().getHostAddress();

	private final ElasticMq sqs;

	private final DynamoDbLocal dynamoDb;

	private final S3Proxy s3;

	private final SageMakerEmulator sageMaker;

	private final Sns sns;

	private final boolean shared;

	private LocalAws(ElasticMq sqs, DynamoDbLocal dynamoDb, S3Proxy s3, SageMakerEmulator sageMaker, Sns sns,
			boolean shared) {
		this.sqs = sqs;
		this.dynamoDb = dynamoDb;
		this.s3 = s3;
		this.sageMaker = sageMaker;
		this.sns = sns;
		this.shared = shared;
	}

	/**
	 * The set of stand-ins of this JVM, on free ports, started on first use and stopped
	 * when the JVM exits. Its endpoint {@value #DEFAULT_ENDPOINT_NAME} has 2 instances
	 * answering in 100 ms; redefine it through {@link #sageMaker()} as a test needs.
	 */
	public static LocalAws shared() {
		return Shared.INSTANCE;
	}

	/**
	 * Starts a set of stand-ins on free ports, with endpoint
	 * {@value #DEFAULT_ENDPOINT_NAME} of 2 instances answering in 100 ms.
	 */
	public static LocalAws start() {
		return start(Ports.FREE, defaultEndpoint());
	}

	/**
	 * Starts a set of stand-ins on the given ports (0 picks a free one), with
	 * {@code endpoint} defined, and creates the jobs table, queues and payloads bucket.
	 * @throws IllegalStateException if a stand-in does not start
	 */
	public static LocalAws start(Ports ports, EndpointSpec endpoint) {
		return start(ports, endpoint, false);
	}

	private static LocalAws start(Ports ports, EndpointSpec endpoint, boolean shared) {
		long started = System.nanoTime();
		ElasticMq sqs = null;
		DynamoDbLocal dynamoDb = null;
		S3Proxy s3 = null;
		SageMakerEmulator sageMaker = null;
		Sns sns = null;
		try {
			sqs = ElasticMq.start(HOST, ports.sqs(), REGION);
			sns = Sns.start(HOST, ports.sns(), sqs.endpoint());
			dynamoDb = DynamoDbLocal.start(HOST, ports.dynamoDb());
			s3 = S3Proxy.start(HOST, ports.s3());
			sageMaker = SageMakerEmulator.start(HOST, ports.sageMaker());
			sageMaker.define(endpoint);
			LocalAws aws = new LocalAws(sqs, dynamoDb, s3, sageMaker, sns, shared);
			JobResources.createIfAbsent(aws);
			logger.info("Local AWS stand-ins started in {} ms: SQS {}, DynamoDB {}, S3 {}, SNS {}, SageMaker {}",
					Duration.ofNanos(System.nanoTime() - started).toMillis(), aws.sqsEndpoint(), aws.dynamoDbEndpoint(),
					aws.s3Endpoint(), aws.snsEndpoint(), aws.sageMakerEndpoint());
			return aws;
		}
		catch (Exception ex) {
			closeQuietly(sageMaker, s3, dynamoDb, sns, sqs);
			throw new IllegalStateException("Could not start the local AWS stand-ins", ex);
		}
	}

	/** 2 instances of the built-in model answering in 100 ms. */
	static EndpointSpec defaultEndpoint() {
		return EndpointSpec.builder(DEFAULT_ENDPOINT_NAME).instances(2).latency(Duration.ofMillis(100)).build();
	}

	@Override
	public URI sqsEndpoint() {
		return this.sqs.endpoint();
	}

	@Override
	public URI dynamoDbEndpoint() {
		return this.dynamoDb.endpoint();
	}

	@Override
	public URI s3Endpoint() {
		return this.s3.endpoint();
	}

	@Override
	public URI snsEndpoint() {
		return this.sns.endpoint();
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
		return REGION;
	}

	@Override
	public AwsCredentialsProvider credentialsProvider() {
		return credentials();
	}

	/** The stand-ins' fixed credentials, for clients built before there is a LocalAws. */
	static AwsCredentialsProvider credentials() {
		return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
	}

	/**
	 * Stops the stand-ins; does nothing to {@link #shared()}, which stops when the JVM
	 * exits. Some threads of DynamoDB Local outlive it: a {@code main} that is done must
	 * call {@code System.exit}.
	 */
	@Override
	public void close() {
		if (!this.shared) {
			stop();
		}
	}

	private void stop() {
		closeQuietly(this.sageMaker, this.s3, this.dynamoDb, this.sns, this.sqs);
		logger.info("Local AWS stand-ins stopped");
	}

	private static void closeQuietly(AutoCloseable... resources) {
		for (AutoCloseable resource : resources) {
			if (resource != null) {
				try {
					resource.close();
				}
				catch (Exception ex) {
					logger.warn("Could not stop {} cleanly", resource.getClass().getSimpleName(), ex);
				}
			}
		}
	}

	/**
	 * The ports of the stand-ins; 0 picks a free one.
	 *
	 * @param sqs the SQS port (ElasticMQ)
	 * @param dynamoDb the DynamoDB port (DynamoDB Local)
	 * @param sageMaker the SageMaker emulator's port
	 * @param s3 the S3 port (S3Proxy)
	 * @param sns the SNS stand-in's port
	 */
	public record Ports(int sqs, int dynamoDb, int sageMaker, int s3, int sns) {

		/** Free ports for all five. */
		public static final Ports FREE = new Ports(0, 0, 0, 0, 0);

		/** The given ports, and a free one for SNS. */
		public Ports(int sqs, int dynamoDb, int sageMaker, int s3) {
			this(sqs, dynamoDb, sageMaker, s3, 0);
		}

		/** The given ports, and free ones for S3 and SNS. */
		public Ports(int sqs, int dynamoDb, int sageMaker) {
			this(sqs, dynamoDb, sageMaker, 0, 0);
		}

	}

	/** Lazy holder of {@link #shared()}: started on first access, once. */
	private static final class Shared {

		static final LocalAws INSTANCE = startShared();

		private static LocalAws startShared() {
			LocalAws aws = start(Ports.FREE, defaultEndpoint(), true);
			Runtime.getRuntime().addShutdownHook(new Thread(aws::stop, "local-aws-shutdown"));
			return aws;
		}

	}

}
