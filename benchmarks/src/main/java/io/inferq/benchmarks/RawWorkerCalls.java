package io.inferq.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.inferq.config.AwsHttpClients;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.JobId;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientAsyncConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A plain SDK client making the calls a worker must make per job, and nothing else: the
 * yardstick of {@code worker.overRawSdk}. It runs in a JVM of its own with the worker's
 * options ({@link WorkerProcess#JVM_OPTIONS}), so that its CPU is its own, on HTTP
 * clients set up as the apps' are ({@link AwsHttpClients}: shared event loops, futures
 * completed on them).
 * <p>
 * Per job, with at most {@code in-flight} jobs at once: its share of a
 * {@code ReceiveMessage} of 10 and of a {@code DeleteMessageBatch}, a conditional
 * {@code UpdateItem} that starts it and returns it ({@code ALL_NEW}), an
 * {@code InvokeEndpoint} with its input, and a conditional {@code UpdateItem} that stores
 * the output. Its items are copies of a job a worker ran (same attributes, same size)
 * under new IDs, made QUEUED again, and queued on a queue of its own; writing and
 * queueing them is not measured. A first round of a quarter of the jobs warms the client
 * up, as the worker's warm-up does; the second is measured.
 * <p>
 * Prints {@code cpuSecondsPer1000Jobs=<seconds>}: its CPU in the measured round.
 */
public final class RawWorkerCalls {

	/** The line that gives the figure. */
	static final String RESULT_PREFIX = "cpuSecondsPer1000Jobs=";

	/** ReceiveMessage's and DeleteMessageBatch's most messages per call. */
	private static final int BATCH = 10;

	/** What a run of the template's job added to its item. */
	private static final List<String> RAN_ATTRIBUTES = List.of("startedAt", "finishedAt", "leaseExpiresAt", "output",
			"outputType", "outputRef", "errorType", "errorMessage", "history");

	/** Writes and sends in flight while the jobs are set up (not measured). */
	private static final int SETUP_IN_FLIGHT = 64;

	private final DynamoDbAsyncClient dynamoDb;

	private final SqsAsyncClient sqs;

	private final SageMakerRuntimeAsyncClient sageMaker;

	private final String tableName;

	private final String endpointName;

	private final Map<String, AttributeValue> template;

	private final String queueUrl;

	private RawWorkerCalls(Map<String, String> options) {
		this.dynamoDb = configure(DynamoDbAsyncClient.builder(), options.get("dynamodb")).build();
		this.sqs = configure(SqsAsyncClient.builder(), options.get("sqs")).build();
		this.sageMaker = configure(SageMakerRuntimeAsyncClient.builder(), options.get("sagemaker")).build();
		this.tableName = options.get("table");
		this.endpointName = options.get("endpoint-name");
		Map<String, AttributeValue> item = this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(options.get("template-job"))))
				.consistentRead(true))
			.join()
			.item();
		// As a worker finds it: queued, never started.
		this.template = new HashMap<>(item);
		this.template.keySet().removeAll(RAN_ATTRIBUTES);
		this.queueUrl = this.sqs.createQueue((request) -> request.queueName("raw-worker-calls-" + System.nanoTime()))
			.join()
			.queueUrl();
	}

	/**
	 * {@code --dynamodb=URL --sqs=URL --sagemaker=URL --table=NAME --endpoint-name=NAME
	 * --template-job=ID --jobs=N --in-flight=N}
	 */
	public static void main(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			options.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		int jobs = Integer.parseInt(options.get("jobs"));
		int inFlight = Integer.parseInt(options.get("in-flight"));
		RawWorkerCalls calls = new RawWorkerCalls(options);
		calls.round(Math.max(BATCH, jobs / 4), inFlight);
		double cpuSeconds = calls.round(jobs, inFlight);
		calls.close();
		System.out.println(RESULT_PREFIX + (cpuSeconds * 1000 / jobs));
	}

	/**
	 * Runs the plain client in a JVM of its own, as the worker runs, and returns its CPU
	 * seconds per 1,000 jobs.
	 * @param aws where the stand-ins are
	 * @param tableName the jobs table
	 * @param endpointName the emulated endpoint to invoke
	 * @param templateJob a stored job whose item the jobs copy
	 */
	static double measure(LocalAws aws, String tableName, String endpointName, String templateJob, int jobs,
			int inFlight) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(WorkerProcess.JVM_OPTIONS);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(RawWorkerCalls.class.getName());
		command.add("--dynamodb=" + aws.dynamoDbEndpoint());
		command.add("--sqs=" + aws.sqsEndpoint());
		command.add("--sagemaker=" + aws.sageMakerEndpoint());
		command.add("--table=" + tableName);
		command.add("--endpoint-name=" + endpointName);
		command.add("--template-job=" + templateJob);
		command.add("--jobs=" + jobs);
		command.add("--in-flight=" + inFlight);
		Path log = Files.createTempFile("inferq-raw-worker-calls", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		try {
			if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IllegalStateException("The plain client did not finish; see " + log);
			}
		}
		finally {
			process.destroyForcibly();
		}
		String figure = Files.readAllLines(log, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> line.startsWith(RESULT_PREFIX))
			.reduce((first, second) -> second)
			.orElseThrow(() -> new IllegalStateException("The plain client gave no figure; see " + log));
		Files.delete(log);
		return Double.parseDouble(figure.substring(RESULT_PREFIX.length()));
	}

	/** Sets {@code jobs} up, then runs them; returns the CPU seconds the run took. */
	private double round(int jobs, int inFlight) {
		List<JobId> ids = setUp(jobs);
		double cpuBefore = cpuSeconds();
		Semaphore window = new Semaphore(inFlight);
		Semaphore finished = new Semaphore(0);
		int perReceive = Math.min(BATCH, inFlight);
		int received = 0;
		while (received < ids.size()) {
			window.acquireUninterruptibly(perReceive);
			List<Message> messages = this.sqs
				.receiveMessage(
						(request) -> request.queueUrl(this.queueUrl).maxNumberOfMessages(perReceive).waitTimeSeconds(1))
				.join()
				.messages();
			window.release(perReceive - messages.size());
			received += messages.size();
			List<CompletableFuture<?>> runs = new ArrayList<>(messages.size());
			for (Message message : messages) {
				runs.add(run(JobMessageCodec.decode(message.body()).jobId())
					.whenComplete((done, failure) -> window.release()));
			}
			if (!messages.isEmpty()) {
				CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new))
					.thenCompose((all) -> this.sqs.deleteMessageBatch((request) -> request.queueUrl(this.queueUrl)
						.entries(messages.stream()
							.map((message) -> DeleteMessageBatchRequestEntry.builder()
								.id(message.messageId())
								.receiptHandle(message.receiptHandle())
								.build())
							.toList())))
					.whenComplete((done, failure) -> finished.release(messages.size()));
			}
		}
		finished.acquireUninterruptibly(ids.size());
		return cpuSeconds() - cpuBefore;
	}

	/** Starts the job, invokes the endpoint with its input, stores the output. */
	private CompletableFuture<?> run(JobId id) {
		Map<String, AttributeValue> key = Map.of(JobTable.KEY, AttributeValue.fromS(id.value()));
		String now = Instant.now().toString();
		return this.dynamoDb
			.updateItem((request) -> request.tableName(this.tableName)
				.key(key)
				.updateExpression("SET #status = :running, #attempts = :one, #startedAt = :now, #lease = :lease")
				.conditionExpression("#status = :queued AND #attempts = :zero")
				.expressionAttributeNames(Map.of("#status", "status", "#attempts", "attempts", "#startedAt",
						"startedAt", "#lease", "leaseExpiresAt"))
				.expressionAttributeValues(Map.of(":running", AttributeValue.fromS("RUNNING"), ":queued",
						AttributeValue.fromS("QUEUED"), ":one", AttributeValue.fromN("1"), ":zero",
						AttributeValue.fromN("0"), ":now", AttributeValue.fromS(now), ":lease",
						AttributeValue.fromS(Instant.now().plus(Duration.ofMinutes(1)).toString())))
				.returnValues(ReturnValue.ALL_NEW))
			.thenCompose((started) -> this.sageMaker.invokeEndpoint((request) -> request.endpointName(this.endpointName)
				.contentType("application/json")
				.body(input(started))))
			.thenCompose((invoked) -> this.dynamoDb.updateItem((request) -> request.tableName(this.tableName)
				.key(key)
				.updateExpression("SET #status = :succeeded, #finishedAt = :now, #output = :output REMOVE #lease")
				.conditionExpression("#status = :running")
				.expressionAttributeNames(Map.of("#status", "status", "#finishedAt", "finishedAt", "#output", "output",
						"#lease", "leaseExpiresAt"))
				.expressionAttributeValues(Map.of(":succeeded", AttributeValue.fromS("SUCCEEDED"), ":running",
						AttributeValue.fromS("RUNNING"), ":now", AttributeValue.fromS(Instant.now().toString()),
						":output", AttributeValue.fromB(invoked.body())))));
	}

	private static SdkBytes input(UpdateItemResponse started) {
		AttributeValue input = started.attributes().get("input");
		if (input == null) {
			return SdkBytes.fromUtf8String("{}");
		}
		return (input.b() != null) ? input.b() : SdkBytes.fromUtf8String(input.s());
	}

	/** Writes {@code jobs} QUEUED copies of the template and queues them. */
	private List<JobId> setUp(int jobs) {
		List<JobId> ids = new ArrayList<>(jobs);
		Semaphore window = new Semaphore(SETUP_IN_FLIGHT);
		List<CompletableFuture<?>> calls = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			JobId id = JobId.random();
			ids.add(id);
			Map<String, AttributeValue> item = new HashMap<>(this.template);
			item.put(JobTable.KEY, AttributeValue.fromS(id.value()));
			item.put("status", AttributeValue.fromS("QUEUED"));
			item.put("attempts", AttributeValue.fromN("0"));
			window.acquireUninterruptibly();
			calls.add(this.dynamoDb.putItem((request) -> request.tableName(this.tableName).item(item))
				.whenComplete((done, failure) -> window.release()));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		RawSdkClient.sendAll(this.sqs, this.queueUrl, ids, SETUP_IN_FLIGHT);
		return ids;
	}

	private static <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(B builder,
			String endpoint) {
		ClientAsyncConfiguration.Builder async = ClientAsyncConfiguration.builder();
		AwsHttpClients.completeOnEventLoop(async);
		return builder.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.endpointOverride(URI.create(endpoint))
			.httpClientBuilder(AwsHttpClients.netty())
			.asyncConfiguration(async.build());
	}

	/** This JVM's CPU, read as the worker's is ({@link ProcessStats}). */
	private static double cpuSeconds() {
		try {
			return ProcessStats.of(ProcessHandle.current().pid()).cpuSeconds();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void close() {
		this.sqs.deleteQueue((request) -> request.queueUrl(this.queueUrl)).join();
		this.dynamoDb.close();
		this.sqs.close();
		this.sageMaker.close();
	}

}
