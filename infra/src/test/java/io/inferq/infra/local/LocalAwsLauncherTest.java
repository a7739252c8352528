package io.inferq.infra.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.inferq.infra.sagemaker.SageMakerError;
import io.inferq.message.sqs.JobQueues;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The launcher on free ports, called the way its banner says, without AWS signatures.
 */
class LocalAwsLauncherTest {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void launcher_shouldStartEverything_andPrintHowToCallIt() throws Exception {
		LauncherOptions options = LauncherOptions
			.parse(new String[] { "--sqs-port", "0", "--dynamodb-port=0", "--sagemaker-port", "0", "--s3-port", "0",
					"--sns-port", "0", "--latency", "50ms", "--endpoint-name", "launched" }, Map.of());

		try (LocalAwsLauncher.Running running = LocalAwsLauncher.launch(options)) {
			LocalAws aws = (LocalAws) running.services();
			assertThat(running.banner()).contains(aws.sqsEndpoint().toString(), aws.dynamoDbEndpoint().toString(),
					"aws --endpoint-url " + aws.snsEndpoint() + " sns list-topics", "aws --endpoint-url "
							+ aws.sageMakerEndpoint() + " sagemaker-runtime invoke-endpoint --endpoint-name launched");
			try (SqsClient sqs = aws.configure(SqsClient.builder(), aws.sqsEndpoint()).build()) {
				assertThat(sqs.listQueues().queueUrls()).anyMatch((url) -> url.endsWith("/" + JobQueues.DEFAULT_NAME));
			}
			HttpResponse<String> invoked = post(aws.sageMakerEndpoint().resolve("/endpoints/launched/invocations"),
					"{}");
			assertThat(invoked.statusCode()).isEqualTo(200);
			assertThat(invoked.body()).isEqualTo("{\"message\":\"finish\"}");
			assertThat(invoked.headers().firstValue("x-Amzn-Invoked-Production-Variant")).contains("AllTraffic");
		}
	}

	@Test
	void onlySageMaker_shouldStartTheEmulatorAlone_withItsAdminApi() throws Exception {
		LauncherOptions options = LauncherOptions.parse(new String[] { "--only-sagemaker" }, Map
			.of("LOCAL_AWS_SAGEMAKER_PORT", "0", "LOCAL_AWS_BIND_ADDRESS", "127.0.0.1", "LOCAL_AWS_LATENCY", "10ms"));

		try (LocalAwsLauncher.Running running = LocalAwsLauncher.launch(options)) {
			URI base = URI.create(running.banner().replaceAll("(?s).*SageMaker +(http://\\S+).*", "$1"));
			HttpResponse<String> defined = send(HttpRequest.newBuilder(base.resolve("/_emulator/endpoints/admin"))
				.PUT(HttpRequest.BodyPublishers.ofString("{\"instances\": 3, \"servedInstances\": 2, \"latencyMs\": 5,"
						+ " \"keepRunningAfterDisconnect\": true}")));
			post(base.resolve("/endpoints/admin/invocations"), "{}");
			HttpResponse<String> stats = send(
					HttpRequest.newBuilder(base.resolve("/_emulator/endpoints/admin/stats")).GET());
			HttpResponse<String> reset = send(
					HttpRequest.newBuilder(base.resolve("/_emulator/endpoints/admin/stats/reset"))
						.POST(HttpRequest.BodyPublishers.noBody()));
			HttpResponse<String> listed = send(HttpRequest.newBuilder(base.resolve("/_emulator/endpoints")).GET());
			HttpResponse<String> unknown = send(
					HttpRequest.newBuilder(base.resolve("/_emulator/endpoints/nowhere/stats")).GET());
			HttpResponse<String> invalid = send(HttpRequest.newBuilder(base.resolve("/_emulator/endpoints/bad"))
				.PUT(HttpRequest.BodyPublishers.ofString("{\"instances\": 0}")));

			assertThat(defined.statusCode()).isEqualTo(200);
			assertThat(defined.body()).contains("\"instances\":3", "\"servedInstances\":2",
					"\"keepRunningAfterDisconnect\":true");
			assertThat(stats.body()).contains("\"endpointName\":\"admin\"", "\"instanceCount\":3",
					"\"servedInstances\":2", "\"invocations\":1", "\"succeeded\":1", "\"maxOutstanding\":1",
					"\"busyTime\":\"PT");
			assertThat(reset.statusCode()).isEqualTo(204);
			assertThat(listed.body()).contains("\"name\":\"admin\"", "\"name\":\"sagemaker-endpoint-test\"");
			assertThat(unknown.statusCode()).isEqualTo(404);
			assertThat(invalid.statusCode()).isEqualTo(400);
			assertThat(invalid.body()).contains("at least one instance");
		}
	}

	@Test
	void options_shouldFallBackToTheEnvironment_andDefaults() {
		LauncherOptions options = LauncherOptions.parse(
				new String[] { "--error-rate", "ModelError=0.1,InternalFailure=0.05", "--latency-p99", "9s" },
				Map.of("LOCAL_AWS_INSTANCES", "4", "LOCAL_AWS_SERVED_INSTANCES", "3"));

		assertThat(options.ports()).isEqualTo(new LocalAws.Ports(9324, 8000, 8090, 9000, 9911));
		assertThat(options.endpoint().name()).isEqualTo("sagemaker-endpoint-test");
		assertThat(options.endpoint().instanceCount()).isEqualTo(4);
		assertThat(options.endpoint().servedInstances()).isEqualTo(3);
		assertThat(options.endpoint().latency().median()).isEqualTo(Duration.ofSeconds(5));
		assertThat(options.endpoint().latency().p99()).isEqualTo(Duration.ofSeconds(9));
		assertThat(options.endpoint().errorRates()).containsEntry(SageMakerError.MODEL_ERROR, 0.1)
			.containsEntry(SageMakerError.INTERNAL_FAILURE, 0.05);
	}

	@Test
	void servedInstances_shouldBeAll_unlessAskedFor() {
		assertThat(LauncherOptions.parse(new String[0], Map.of()).endpoint().servedInstances()).isNull();
		assertThat(LauncherOptions.parse(new String[] { "--instances", "8", "--served-instances", "4" }, Map.of())
			.endpoint()
			.servedInstances()).isEqualTo(4);
	}

	@Test
	void keepRunningAfterDisconnect_shouldBeOff_unlessAskedFor() {
		assertThat(LauncherOptions.parse(new String[0], Map.of()).endpoint().keepRunningAfterDisconnect()).isFalse();
		assertThat(LauncherOptions.parse(new String[] { "--keep-running-after-disconnect" }, Map.of())
			.endpoint()
			.keepRunningAfterDisconnect()).isTrue();
		assertThat(LauncherOptions.parse(new String[0], Map.of("LOCAL_AWS_KEEP_RUNNING_AFTER_DISCONNECT", "true"))
			.endpoint()
			.keepRunningAfterDisconnect()).isTrue();
	}

	@Test
	void options_shouldSayWhatToFix() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LauncherOptions.parse(new String[] { "--latncy", "1s" }, Map.of()))
			.withMessage("Unknown option --latncy");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> LauncherOptions.parse(new String[] { "--latency", "soon" }, Map.of()))
			.withMessageContaining("500ms");
	}

	private HttpResponse<String> post(URI uri, String body) throws Exception {
		return send(HttpRequest.newBuilder(uri)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
