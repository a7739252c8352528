package io.inferq.api;

import java.net.http.HttpResponse;

import io.inferq.api.watch.LongPolls;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API with DynamoDB up and SQS down (its endpoint is a closed port): it starts all
 * the same (long polls poll, without their inbox), and a submit fails cleanly.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.config.name=inferq-api",
		"inferq.api.security.anonymous=true", "inferq.api.aws-call-timeout=2s" })
class QueueDownIntegrationTests {

	@Autowired
	private JobStore store;

	@Autowired
	private LongPolls longPolls;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAwsWithoutSqs(DynamicPropertyRegistry registry) {
		DownDependencies.register(registry, "spring.cloud.aws.sqs.endpoint");
	}

	@Test
	void submit_answers503AndFailsTheStoredJob() {
		HttpResponse<byte[]> response = new ApiClient(this.port).submit("{\"input\": 1}");

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
		JsonNode problem = ApiClient.json(response);
		assertThat(problem.get("detail").asString()).isEqualTo("The job queue is unavailable; try again later");
		Job job = this.store.find(new JobId(problem.get("jobId").asString())).join().orElseThrow();
		assertThat(job.status()).isEqualTo(JobStatus.FAILED);
		assertThat(job.error().type()).isEqualTo("EnqueueFailed");
		assertThat(this.longPolls.isTold()).as("long polls without their inbox").isFalse();
	}

}
