package io.inferq.api.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.Job;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.JobQueue;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.JobTooLargeException;
import io.inferq.store.StaleJobException;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.invocation.InvocationOnMock;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static io.inferq.api.jobs.JobFixtures.ID;
import static io.inferq.api.jobs.JobFixtures.NOW;
import static io.inferq.api.jobs.JobFixtures.aCancelledJob;
import static io.inferq.api.jobs.JobFixtures.aFailedJob;
import static io.inferq.api.jobs.JobFixtures.aQueuedJob;
import static io.inferq.api.jobs.JobFixtures.aQueuedJobPastItsDeadline;
import static io.inferq.api.jobs.JobFixtures.aRunningJob;
import static io.inferq.api.jobs.JobFixtures.aSucceededJob;
import static io.inferq.api.jobs.JobFixtures.aSucceededJobWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.BDDMockito.willReturn;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

@JobWebTest
class JobControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private MeterRegistry meters;

	@MockitoBean
	private JobStore store;

	@MockitoBean
	private JobQueue queue;

	@BeforeEach
	void storeAndQueueWork() {
		willAnswer((call) -> CompletableFuture.completedFuture(job(call).withVersion(1))).given(this.store)
			.create(any());
		willAnswer((call) -> CompletableFuture.completedFuture(job(call).withVersion(job(call).version() + 1)))
			.given(this.store)
			.update(any());
		willReturn(CompletableFuture.completedFuture(null)).given(this.queue).send(any());
	}

	@Test
	void submit_storesQueuesAndAcceptsTheJob() {
		double submitted = this.meters.counter(SubmissionMetrics.SUBMITTED).count();

		MvcTestResult result = submit("{\"input\": {\"inputs\": \"Hello\"}, \"metadata\": {\"customer\": \"acme\"}}");

		assertThat(result).hasStatus(HttpStatus.ACCEPTED).hasContentType(MediaType.APPLICATION_JSON);
		Job created = createdJob();
		assertThat(created.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(created.metadata()).containsExactly(Map.entry("customer", "acme"));
		assertThat(created.deadline()).isEqualTo(NOW.plus(Duration.ofHours(6)));
		verify(this.queue).send(JobMessage.of(created));
		assertThat(result).headers()
			.hasSingleValue(HttpHeaders.LOCATION, "/v1/jobs/" + created.id())
			.hasSingleValue(HttpHeaders.RETRY_AFTER, "2");
		assertThat(result).bodyJson().extractingPath("$.id").isEqualTo(created.id().value());
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("QUEUED");
		assertThat(result).bodyJson().extractingPath("$.createdAt").isEqualTo(NOW.toString());
		assertThat(result).bodyJson().extractingPath("$.metadata.customer").isEqualTo("acme");
		assertThat(this.meters.counter(SubmissionMetrics.SUBMITTED).count()).isEqualTo(submitted + 1);
	}

	@Test
	void submit_keepsTheExactJsonTextOfTheInput() {
		String input = "{ \"b\" : [1.10, 1e400, 12345678901234567890123] , \"a\":\"\\u00e9\\ud83d\\ude00\" }";

		assertThat(submit("{\"input\": " + input + "}")).hasStatus(HttpStatus.ACCEPTED);

		assertThat(createdJob().input()).isEqualTo(Payload.json(input));
	}

	@Test
	void submit_acceptsBinaryInputWithItsContentType() {
		assertThat(submit("{\"inputBase64\": \"AAEC/w==\", \"contentType\": \"image/png\", \"accept\": \"*/*\"}"))
			.hasStatus(HttpStatus.ACCEPTED);

		Job created = createdJob();
		assertThat(created.input()).isEqualTo(new Payload(new byte[] { 0, 1, 2, (byte) 0xff }, "image/png"));
		assertThat(created.accept()).isEqualTo("*/*");
	}

	@Test
	void submit_takesTimeToStartInSecondsOrAsIsoDuration() {
		assertThat(submit("{\"input\": 1, \"timeToStart\": 90}")).hasStatus(HttpStatus.ACCEPTED);
		assertThat(createdJob().deadline()).isEqualTo(NOW.plusSeconds(90));

		assertThat(submit("{\"input\": 1, \"timeToStart\": \"PT30M\"}")).hasStatus(HttpStatus.ACCEPTED);
		assertThat(createdJob(2).deadline()).isEqualTo(NOW.plus(Duration.ofMinutes(30)));
	}

	@Test
	void submit_whenTheStoreFails_answers503AndQueuesNothing() {
		willReturn(CompletableFuture.failedFuture(new IllegalStateException("down"))).given(this.store).create(any());
		double rejected = this.meters.counter(SubmissionMetrics.REJECTED, "status", "503").count();

		MvcTestResult result = submit("{\"input\": 1}");

		assertProblem(result, HttpStatus.SERVICE_UNAVAILABLE, "The job store is unavailable; try again later");
		assertThat(result).headers().hasSingleValue(HttpHeaders.RETRY_AFTER, "5");
		verify(this.queue, never()).send(any());
		assertThat(this.meters.counter(SubmissionMetrics.REJECTED, "status", "503").count()).isEqualTo(rejected + 1);
	}

	@Test
	void submit_whenTheQueueFails_failsTheStoredJobAndAnswers503() {
		willReturn(CompletableFuture.failedFuture(new IllegalStateException("down"))).given(this.queue).send(any());

		MvcTestResult result = submit("{\"input\": 1}");

		assertProblem(result, HttpStatus.SERVICE_UNAVAILABLE, "The job queue is unavailable; try again later");
		assertThat(result).headers().containsHeader(HttpHeaders.RETRY_AFTER);
		ArgumentCaptor<Job> updated = ArgumentCaptor.forClass(Job.class);
		verify(this.store).update(updated.capture());
		assertThat(updated.getValue().id()).isEqualTo(createdJob().id());
		assertThat(updated.getValue().version()).isEqualTo(1);
		assertThat(updated.getValue().status()).isEqualTo(JobStatus.FAILED);
		assertThat(updated.getValue().error().type()).isEqualTo(JobService.ENQUEUE_FAILED);
		assertThat(result).bodyJson().extractingPath("$.jobId").isEqualTo(updated.getValue().id().value());
	}

	@Test
	void submit_whenTheQueueAndThenTheStoreFail_stillAnswers503() {
		willReturn(CompletableFuture.failedFuture(new IllegalStateException("down"))).given(this.queue).send(any());
		willReturn(CompletableFuture.failedFuture(new IllegalStateException("down"))).given(this.store).update(any());

		assertProblem(submit("{\"input\": 1}"), HttpStatus.SERVICE_UNAVAILABLE,
				"The job queue is unavailable; try again later");
	}

	@Test
	void submit_whenARetriedCreateFindsItsOwnJob_queuesTheJob() {
		willAnswer((call) -> CompletableFuture.failedFuture(new JobAlreadyExistsException(job(call).id())))
			.given(this.store)
			.create(any());

		assertThat(submit("{\"input\": 1}")).hasStatus(HttpStatus.ACCEPTED);

		Job created = createdJob();
		verify(this.queue).send(JobMessage.of(created));
	}

	@Test
	void submit_whenTheJobDoesNotFitInARecord_answers413() {
		willAnswer((call) -> CompletableFuture.failedFuture(new JobTooLargeException(job(call).id(), 500_000, 409_600)))
			.given(this.store)
			.create(any());

		assertProblem(submit("{\"input\": 1}"), HttpStatus.CONTENT_TOO_LARGE,
				"The job does not fit in one stored record; send a smaller input or less metadata");
		verify(this.queue, never()).send(any());
	}

	@Test
	void get_answersTheQueuedJobWithRetryAfter() {
		givenStored(aQueuedJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk().hasHeader(HttpHeaders.RETRY_AFTER, "2");
		assertThat(result).bodyJson()
			.isLenientlyEqualTo("{\"id\": \"" + ID + "\", \"status\": \"QUEUED\", \"attempts\": 0, "
					+ "\"createdAt\": \"2026-03-01T11:59:50Z\", \"deadline\": \"2026-03-01T17:59:50Z\", "
					+ "\"metadata\": {\"customer\": \"acme\"}}");
		assertThat(result).bodyJson().doesNotHavePath("$.output").doesNotHavePath("$.startedAt");
	}

	@Test
	void get_answersTheRunningJob() {
		givenStored(aRunningJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk().hasHeader(HttpHeaders.RETRY_AFTER, "2");
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("RUNNING");
		assertThat(result).bodyJson().extractingPath("$.startedAt").isEqualTo("2026-03-01T11:59:55Z");
		assertThat(result).bodyJson().extractingPath("$.attempts").isEqualTo(1);
	}

	@Test
	void get_embedsJsonOutputAsJson() {
		givenStored(aSucceededJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk().doesNotContainHeader(HttpHeaders.RETRY_AFTER);
		assertThat(result).bodyText()
			.contains("\"output\":{\"generated_text\": \"Hi\", \"score\": 0.1000000000000000055511}")
			.contains("\"outputContentType\":\"application/json\"")
			.doesNotContain("outputBase64");
		assertThat(result).bodyJson().extractingPath("$.finishedAt").isEqualTo("2026-03-01T11:59:59Z");
	}

	@Test
	void get_givesOtherOutputInBase64() {
		givenStored(aSucceededJobWith(new Payload(new byte[] { (byte) 0x89, 'P', 'N', 'G' }, "image/png")));

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).bodyJson().extractingPath("$.outputBase64").isEqualTo("iVBORw==");
		assertThat(result).bodyJson().extractingPath("$.outputContentType").isEqualTo("image/png");
		assertThat(result).bodyJson().doesNotHavePath("$.output");
	}

	@Test
	void get_givesOutputThatClaimsToBeJsonButIsNotInBase64() {
		givenStored(aSucceededJobWith(new Payload("{\"cut off".getBytes(StandardCharsets.UTF_8), "application/json")));

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.outputBase64").isEqualTo("eyJjdXQgb2Zm");
	}

	@Test
	void get_answersTheFailedJobWithItsError() {
		givenStored(aFailedJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).bodyJson()
			.isLenientlyEqualTo("{\"status\": \"FAILED\", "
					+ "\"error\": {\"type\": \"ModelError\", \"message\": \"The model answered 400: bad input\"}}");
	}

	@Test
	void get_reportsAQueuedJobPastItsDeadlineAsExpired() {
		givenStored(aQueuedJobPastItsDeadline());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk().doesNotContainHeader(HttpHeaders.RETRY_AFTER);
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("EXPIRED");
		assertThat(result).bodyJson().extractingPath("$.finishedAt").isEqualTo("2026-03-01T11:00:00Z");
		assertThat(result).bodyJson().extractingPath("$.error.type").isEqualTo("Expired");
		verify(this.store, never()).update(any());
	}

	@Test
	void get_answers404ForAnUnknownJob() {
		given(this.store.find(ID)).willReturn(CompletableFuture.completedFuture(Optional.empty()));

		assertProblem(this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange(), HttpStatus.NOT_FOUND,
				"No job has the ID " + ID + "; finished jobs are deleted some days after they end");
	}

	@Test
	void get_withAWaitBeyondTwentySeconds_isA400ProblemWithoutAskingTheStore() {
		assertProblem(this.mvc.get().uri("/v1/jobs/{id}?wait=21s", ID.value()).exchange(), HttpStatus.BAD_REQUEST,
				"'wait' must be at most 20s; poll again for longer");
		assertProblem(this.mvc.get().uri("/v1/jobs/{id}?wait=soon", ID.value()).exchange(), HttpStatus.BAD_REQUEST,
				"'wait' must be a whole number of seconds, such as 20 or 20s, or of milliseconds, such as 500ms; "
						+ "at most 20s");
		verifyNoInteractions(this.store);
	}

	@Test
	void get_withWaitForAnotherTenantsJob_answers404AtOnce() {
		Job others = Job.submit(new io.inferq.tenant.TenantId("other"), ID, Payload.json("{}"), null,
				java.util.Map.of(), JobFixtures.NOW, java.time.Duration.ofHours(1));
		given(this.store.find(ID)).willReturn(CompletableFuture.completedFuture(Optional.of(others)));

		assertProblem(this.mvc.get().uri("/v1/jobs/{id}?wait=20", ID.value()).exchange(), HttpStatus.NOT_FOUND,
				"No job has the ID " + ID + "; finished jobs are deleted some days after they end");
	}

	@Test
	void get_answers404ForAMalformedIdWithoutAskingTheStore() {
		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", "short").exchange();

		assertThat(result).hasStatus(HttpStatus.NOT_FOUND).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		verify(this.store, never()).find(any());
	}

	@Test
	void get_whenTheStoreFails_answers503() {
		given(this.store.find(ID)).willReturn(CompletableFuture.failedFuture(new IllegalStateException("down")));

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertProblem(result, HttpStatus.SERVICE_UNAVAILABLE, "The job store is unavailable; try again later");
		assertThat(result).hasHeader(HttpHeaders.RETRY_AFTER, "5");
	}

	@Test
	void result_answersTheOutputBytesWithTheirContentType() {
		givenStored(aSucceededJobWith(new Payload(new byte[] { 1, 2, 3 }, "audio/wav")));

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}/result", ID.value()).exchange();

		assertThat(result).hasStatusOk().hasContentType("audio/wav");
		assertThat(result.getResponse().getContentAsByteArray()).containsExactly(1, 2, 3);
	}

	@Test
	void result_answersJsonOutputAsTheModelWroteIt() {
		givenStored(aSucceededJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}/result", ID.value()).exchange();

		assertThat(result).hasStatusOk()
			.hasContentType(MediaType.APPLICATION_JSON)
			.hasBodyTextEqualTo("{\"generated_text\": \"Hi\", \"score\": 0.1000000000000000055511}");
	}

	@Test
	void result_answers409WithRetryAfterWhileTheJobRuns() {
		givenStored(aRunningJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}/result", ID.value()).exchange();

		assertProblem(result, HttpStatus.CONFLICT,
				"Job " + ID + " is RUNNING; poll GET /v1/jobs/" + ID + " and fetch the result once it has SUCCEEDED");
		assertThat(result).hasHeader(HttpHeaders.RETRY_AFTER, "2");
		assertThat(result).bodyJson().extractingPath("$.jobStatus").isEqualTo("RUNNING");
	}

	@Test
	void result_answers410WithTheErrorOfAFailedJob() {
		givenStored(aFailedJob());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}/result", ID.value()).exchange();

		assertProblem(result, HttpStatus.GONE,
				"Job " + ID + " is FAILED and will never have a result: The model answered 400: bad input");
		assertThat(result).bodyJson().extractingPath("$.error.type").isEqualTo("ModelError");
	}

	@Test
	void result_answers410ForAnExpiredJob() {
		givenStored(aQueuedJobPastItsDeadline());

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}/result", ID.value()).exchange();

		assertThat(result).hasStatus(HttpStatus.GONE);
		assertThat(result).bodyJson().extractingPath("$.jobStatus").isEqualTo("EXPIRED");
	}

	@Test
	void cancel_cancelsAQueuedJob() {
		givenStored(aQueuedJob());

		MvcTestResult result = this.mvc.delete().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk().doesNotContainHeader(HttpHeaders.RETRY_AFTER);
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo("CANCELLED");
		assertThat(result).bodyJson().extractingPath("$.finishedAt").isEqualTo(NOW.toString());
		verify(this.store).update(aQueuedJob().cancel(NOW));
	}

	@Test
	void cancel_cancelsARunningJob() {
		givenStored(aRunningJob());

		assertThat(this.mvc.delete().uri("/v1/jobs/{id}", ID.value())).hasStatusOk();

		verify(this.store).update(aRunningJob().cancel(NOW));
	}

	@Test
	void cancel_whenTheJobChangedMeanwhile_readsItAgainAndRetries() {
		given(this.store.find(ID)).willReturn(CompletableFuture.completedFuture(Optional.of(aQueuedJob())),
				CompletableFuture.completedFuture(Optional.of(aRunningJob())));
		willReturn(CompletableFuture.failedFuture(new StaleJobException(ID, 1, aRunningJob()))).given(this.store)
			.update(aQueuedJob().cancel(NOW));

		MvcTestResult result = this.mvc.delete().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatusOk();
		assertThat(result).bodyJson().extractingPath("$.attempts").isEqualTo(1);
		verify(this.store).update(aRunningJob().cancel(NOW));
	}

	@Test
	void cancel_whenTheJobKeepsChanging_givesUpAfterSomeAttempts() {
		givenStored(aQueuedJob());
		willReturn(CompletableFuture.failedFuture(new StaleJobException(ID, 1, aRunningJob()))).given(this.store)
			.update(any());

		MvcTestResult result = this.mvc.delete().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatus(HttpStatus.SERVICE_UNAVAILABLE).hasHeader(HttpHeaders.RETRY_AFTER, "5");
		verify(this.store, times(JobService.CANCEL_ATTEMPTS)).update(any());
	}

	@Test
	void cancel_answers409ForAJobThatHasEnded() {
		givenStored(aCancelledJob());

		MvcTestResult result = this.mvc.delete().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertProblem(result, HttpStatus.CONFLICT,
				"Job " + ID + " is CANCELLED already; only QUEUED or RUNNING jobs can be cancelled");
		assertThat(result).bodyJson().extractingPath("$.jobStatus").isEqualTo("CANCELLED");
		verify(this.store, never()).update(any());
	}

	@Test
	void cancel_answers409ForAJobPastItsDeadline() {
		givenStored(aQueuedJobPastItsDeadline());

		MvcTestResult result = this.mvc.delete().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertThat(result).hasStatus(HttpStatus.CONFLICT);
		assertThat(result).bodyJson().extractingPath("$.jobStatus").isEqualTo("EXPIRED");
	}

	@Test
	void cancel_answers404ForAnUnknownJob() {
		given(this.store.find(ID)).willReturn(CompletableFuture.completedFuture(Optional.empty()));

		assertThat(this.mvc.delete().uri("/v1/jobs/{id}", ID.value())).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void anUnexpectedFailure_isA500WithoutInternals() {
		given(this.store.find(ID)).willThrow(new IllegalStateException("secret internals"));

		MvcTestResult result = this.mvc.get().uri("/v1/jobs/{id}", ID.value()).exchange();

		assertProblem(result, HttpStatus.INTERNAL_SERVER_ERROR,
				"The request failed unexpectedly; the failure has been logged");
		assertThat(result).bodyText().doesNotContain("secret").doesNotContain("IllegalStateException");
	}

	@Test
	void anUnknownPath_isA404Problem() {
		assertThat(this.mvc.get().uri("/v1/nothing")).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void anUnsupportedMethod_isA405Problem() {
		assertThat(this.mvc.put().uri("/v1/jobs/{id}", ID.value())).hasStatus(HttpStatus.METHOD_NOT_ALLOWED)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void anUnacceptableMediaType_isA406Problem() {
		assertProblem(this.mvc.get().uri("/v1/jobs/{id}", ID.value()).accept(MediaType.TEXT_HTML).exchange(),
				HttpStatus.NOT_ACCEPTABLE,
				"This resource is application/json; send an Accept header that allows it, or none");
	}

	@Test
	void anAcceptHeaderThatCannotBeParsed_isA406ProblemWithItsBody() {
		for (String accept : new String[] { "foo", "*/*;q=x", "a/b/c" }) {
			assertProblem(this.mvc.get().uri("/v1/jobs/{id}", ID.value()).header(HttpHeaders.ACCEPT, accept).exchange(),
					HttpStatus.NOT_ACCEPTABLE,
					"This resource is application/json; send an Accept header that allows it, or none");
		}
	}

	private MvcTestResult submit(String body) {
		return this.mvc.post().uri("/v1/jobs").contentType(MediaType.APPLICATION_JSON).content(body).exchange();
	}

	private Job createdJob() {
		return createdJob(1);
	}

	private Job createdJob(int submits) {
		ArgumentCaptor<Job> created = ArgumentCaptor.forClass(Job.class);
		verify(this.store, times(submits)).create(created.capture());
		return created.getValue();
	}

	private void givenStored(Job job) {
		given(this.store.find(job.id())).willReturn(CompletableFuture.completedFuture(Optional.of(job)));
	}

	private static Job job(InvocationOnMock call) {
		return call.getArgument(0, Job.class);
	}

	private static void assertProblem(MvcTestResult result, HttpStatus status, String detail) {
		assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status.value());
		assertThat(result).bodyJson().extractingPath("$.detail").isEqualTo(detail);
	}

}
