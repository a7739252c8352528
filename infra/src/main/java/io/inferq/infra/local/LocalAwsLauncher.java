package io.inferq.infra.local;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.SageMakerEmulator;
import io.inferq.webhook.sns.EventTopicNames;
import io.inferq.message.sqs.JobQueues;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.dynamodb.JobTable;
import org.slf4j.LoggerFactory;

/**
 * Runs the local AWS stand-ins from the command line ({@code bin/local-aws}): SQS,
 * DynamoDB and the SageMaker emulator with the jobs table, queues and one endpoint, or
 * the emulator alone ({@code --only-sagemaker}, as in docker-compose). Prints where they
 * listen and how to call them; stops on Ctrl-C or SIGTERM. See
 * {@link LauncherOptions#USAGE} for the options.
 */
public final class LocalAwsLauncher {

	private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

	private LocalAwsLauncher() {
	}

	public static void main(String[] args) throws InterruptedException {
		if (LauncherOptions.wantsHelp(args)) {
			System.out.print(LauncherOptions.USAGE);
			return;
		}
		if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
			System.setProperty(LOGBACK_CONFIGURATION, "local-aws-logback.xml");
		}
		Running running;
		try {
			running = launch(LauncherOptions.parse(args, System.getenv()));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(LauncherOptions.USAGE);
			System.exit(2);
			return;
		}
		catch (RuntimeException ex) {
			LoggerFactory.getLogger(LocalAwsLauncher.class).error("Could not start", ex);
			// DynamoDB Local and ElasticMQ may have left non-daemon threads behind.
			System.exit(1);
			return;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			running.close();
			stopped.countDown();
		}, "local-aws-shutdown"));
		System.out.println(running.banner());
		stopped.await();
	}

	/** Starts what {@code options} ask for. */
	static Running launch(LauncherOptions options) {
		if (options.onlySageMaker()) {
			SageMakerEmulator emulator = SageMakerEmulator.start(options.bindAddress(), options.ports().sageMaker());
			emulator.define(options.endpoint());
			return new Running(emulator, banner(emulator, options.endpoint()));
		}
		LocalAws aws = LocalAws.start(options.ports(), options.endpoint());
		return new Running(aws, banner(aws, options.endpoint()));
	}

	private static String banner(SageMakerEmulator emulator, EndpointSpec endpoint) {
		return "SageMaker emulator is running (Ctrl-C stops it):\n" + sageMakerLine(emulator, endpoint) + "\nTry:\n"
				+ sageMakerExamples(emulator, endpoint);
	}

	private static String banner(LocalAws aws, EndpointSpec endpoint) {
		String properties = aws.springProperties()
			.entrySet()
			.stream()
			.map(Map.Entry::toString)
			.reduce("", (all, property) -> all + "  " + property + "\n");
		return "Local AWS stand-ins are running (Ctrl-C stops them):\n" + "  SQS        " + aws.sqsEndpoint()
				+ "   queues " + JobQueues.DEFAULT_NAME + ", " + JobQueues.DEFAULT_DLQ_NAME + "\n" + "  DynamoDB   "
				+ aws.dynamoDbEndpoint() + "   table " + JobTable.DEFAULT_NAME + "\n" + "  S3         "
				+ aws.s3Endpoint() + "   bucket " + PayloadBucket.DEFAULT_NAME + "\n" + "  SNS        "
				+ aws.snsEndpoint() + "   topics " + aws.topicArn(EventTopicNames.DEFAULT_SUCCESS_NAME) + ", "
				+ EventTopicNames.DEFAULT_ERROR_NAME + "\n" + sageMakerLine(aws.sageMaker(), endpoint) + "Region "
				+ aws.region() + "; any credentials, e.g. AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n\nTry:\n"
				+ sageMakerExamples(aws.sageMaker(), endpoint) + "  aws --endpoint-url " + aws.sqsEndpoint()
				+ " sqs list-queues\n" + "  aws --endpoint-url " + aws.dynamoDbEndpoint() + " dynamodb list-tables\n"
				+ "  aws --endpoint-url " + aws.s3Endpoint() + " s3 ls s3://" + PayloadBucket.DEFAULT_NAME + "/\n"
				+ "  aws --endpoint-url " + aws.snsEndpoint() + " sns list-topics\n"
				+ "\nSpring properties for the apps:\n" + properties;
	}

	private static String sageMakerLine(SageMakerEmulator emulator, EndpointSpec endpoint) {
		return "  SageMaker  " + emulator.endpoint() + "   endpoint " + endpoint.name() + ": "
				+ endpoint.instanceCount() + " instance(s)"
				+ ((endpoint.servedInstances() != null) ? " (at most " + endpoint.servedInstances() + " serving)" : "")
				+ " x " + endpoint.concurrencyPerInstance() + ", latency " + endpoint.latency().median().toMillis()
				+ " ms" + (endpoint.latency().isFixed() ? "" : " (p99 " + endpoint.latency().p99().toMillis() + " ms)")
				+ (endpoint.containers().isEmpty() ? "" : ", forwarding to " + endpoint.containers()) + "\n";
	}

	private static String sageMakerExamples(SageMakerEmulator emulator, EndpointSpec endpoint) {
		String cli = "  aws --endpoint-url " + emulator.endpoint() + " ";
		return cli + "sagemaker-runtime invoke-endpoint --endpoint-name " + endpoint.name()
				+ " --body '{}' --content-type application/json out.json\n" + cli
				+ "sagemaker describe-endpoint --endpoint-name " + endpoint.name() + "\n" + "  curl "
				+ emulator.endpoint() + "/_emulator/endpoints/" + endpoint.name() + "/stats\n";
	}

	/**
	 * What the launcher started, and how it says so.
	 *
	 * @param services the stand-ins
	 * @param banner where they listen and how to call them
	 */
	record Running(AutoCloseable services, String banner) implements AutoCloseable {

		@Override
		public void close() {
			try {
				this.services.close();
			}
			catch (Exception ex) {
				LoggerFactory.getLogger(LocalAwsLauncher.class).warn("Could not stop cleanly", ex);
			}
		}

	}

}
