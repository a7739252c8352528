package io.inferq.job;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static io.inferq.job.Jobs.LEASE;
import static io.inferq.job.Jobs.NOW;
import static io.inferq.job.Jobs.aQueuedJob;
import static io.inferq.job.Jobs.aRunningJob;
import static io.inferq.job.Jobs.aSucceededJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTest {

	@Test
	void submit_shouldQueueWithDeadline() {
		Job job = aQueuedJob();

		assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(job.version()).isZero();
		assertThat(job.attempts()).isZero();
		assertThat(job.deadline()).isEqualTo(NOW.plus(Duration.ofHours(6)));
	}

	@Test
	void start_shouldCountTheAttemptAndTakeALease() {
		Job running = aQueuedJob().start(NOW.plusSeconds(5), LEASE);

		assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
		assertThat(running.attempts()).isEqualTo(1);
		assertThat(running.startedAt()).isEqualTo(NOW.plusSeconds(5));
		assertThat(running.leaseExpiresAt()).isEqualTo(NOW.plusSeconds(5).plus(LEASE));
	}

	@Test
	void start_shouldRefuseARunningJobWhoseLeaseHolds() {
		Job running = aRunningJob();

		assertThatThrownBy(() -> running.start(NOW.plusSeconds(10), LEASE))
			.isInstanceOf(IllegalJobStateChangeException.class)
			.hasMessageContaining("cannot change state from RUNNING to RUNNING");
	}

	@Test
	void start_shouldTakeOverARunningJobWhoseLeaseExpired() {
		Job running = aRunningJob();

		Job takenOver = running.start(running.leaseExpiresAt(), LEASE);

		assertThat(takenOver.attempts()).isEqualTo(2);
		assertThat(takenOver.leaseExpiresAt()).isEqualTo(running.leaseExpiresAt().plus(LEASE));
	}

	@Test
	void start_shouldRefuseAJobPastItsDeadline() {
		Job queued = aQueuedJob();

		assertThatThrownBy(() -> queued.start(queued.deadline(), LEASE))
			.isInstanceOf(IllegalJobStateChangeException.class);
	}

	@Test
	void succeed_shouldKeepTheOutputAndClearTheLease() {
		Job succeeded = aSucceededJob();

		assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
		assertThat(succeeded.output().text()).isEqualTo("{\"message\":\"finish\"}");
		assertThat(succeeded.finishedAt()).isEqualTo(NOW.plusSeconds(6));
		assertThat(succeeded.leaseExpiresAt()).isNull();
		assertThat(succeeded.error()).isNull();
	}

	@Test
	void retryLater_shouldRequeueWithTheErrorAndKeepTheAttemptCount() {
		JobError throttled = new JobError("ThrottlingException", "Rate exceeded");

		Job requeued = aRunningJob().retryLater(throttled, NOW.plusSeconds(2));

		assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(requeued.error()).isEqualTo(throttled);
		assertThat(requeued.attempts()).isEqualTo(1);
		assertThat(requeued.start(NOW.plusSeconds(30), LEASE).attempts()).isEqualTo(2);
	}

	@Test
	void history_shouldKeepEachAttemptsStartEndAndError() {
		JobError throttled = new JobError("ThrottlingException", "Rate exceeded");
		JobError overloaded = new JobError("ModelNotReadyException", "busy");

		Job job = aRunningJob().retryLater(throttled, NOW.plusSeconds(2))
			.start(NOW.plusSeconds(10), LEASE)
			.requeueUnserved(overloaded, NOW.plusSeconds(11))
			.start(NOW.plusSeconds(12), LEASE);
		Job abandonedThenDone = job.start(job.leaseExpiresAt(), LEASE).succeed(Payload.json("1"), NOW.plusSeconds(99));

		assertThat(abandonedThenDone.history()).containsExactly(
				new JobAttempt(1, NOW.plusSeconds(1), NOW.plusSeconds(2), JobAttempt.Outcome.RETRIED, throttled),
				new JobAttempt(2, NOW.plusSeconds(10), NOW.plusSeconds(11), JobAttempt.Outcome.UNSERVED, overloaded),
				new JobAttempt(2, NOW.plusSeconds(12), job.leaseExpiresAt(), JobAttempt.Outcome.ABANDONED, null),
				new JobAttempt(3, job.leaseExpiresAt(), NOW.plusSeconds(99), JobAttempt.Outcome.SUCCEEDED, null));
	}

	@Test
	void history_shouldKeepOnlyTheLatestAttempts() {
		Job job = aQueuedJob();
		for (int i = 0; i < Job.MAX_HISTORY + 5; i++) {
			job = job.start(NOW.plusSeconds(i), LEASE).retryLater(new JobError("X", "y"), NOW.plusSeconds(i));
		}

		assertThat(job.history()).hasSize(Job.MAX_HISTORY);
		assertThat(job.history().get(Job.MAX_HISTORY - 1).attempt()).isEqualTo(Job.MAX_HISTORY + 5);
	}

	@Test
	void retryLater_shouldRefuseAQueuedJob() {
		assertThatThrownBy(() -> aQueuedJob().retryLater(new JobError("X", "y"), NOW))
			.isInstanceOf(IllegalJobStateChangeException.class);
	}

	@Test
	void cancel_shouldEndQueuedAndRunningJobs() {
		assertThat(aQueuedJob().cancel(NOW).status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(aRunningJob().cancel(NOW).status()).isEqualTo(JobStatus.CANCELLED);
	}

	@Test
	void terminalJobs_shouldRefuseEveryTransition() {
		Job succeeded = aSucceededJob();

		assertThatThrownBy(() -> succeeded.cancel(NOW)).isInstanceOf(IllegalJobStateChangeException.class)
			.hasMessageContaining("from SUCCEEDED to CANCELLED");
		assertThatThrownBy(() -> succeeded.fail(new JobError("X", "y"), NOW))
			.isInstanceOf(IllegalJobStateChangeException.class);
		assertThatThrownBy(() -> succeeded.start(NOW, LEASE)).isInstanceOf(IllegalJobStateChangeException.class);
	}

	@Test
	void expire_shouldOnlyExpireAQueuedJobPastItsDeadline() {
		Job queued = aQueuedJob();

		assertThatThrownBy(() -> queued.expire(NOW)).isInstanceOf(IllegalJobStateChangeException.class);
		Job expired = queued.expire(queued.deadline());
		assertThat(expired.status()).isEqualTo(JobStatus.EXPIRED);
		assertThat(expired.error().type()).isEqualTo("Expired");
	}

	@Test
	void jobError_shouldCutVeryLongMessages() {
		JobError error = new JobError("ModelError", "x".repeat(10_000));

		assertThat(error.message()).hasSize(JobError.MAX_MESSAGE_LENGTH);
	}

	@Test
	void jobId_shouldBeRandomUrlSafeAnd128Bits() {
		JobId id = JobId.random();

		assertThat(id.value()).hasSize(22).matches("[A-Za-z0-9_-]+");
		assertThat(JobId.random()).isNotEqualTo(id);
		assertThat(JobId.isValid("../etc/passwd")).isFalse();
		assertThat(JobId.isValid("short")).isFalse();
	}

	@Test
	void payload_shouldRecogniseJsonMediaTypes() {
		assertThat(new Payload(new byte[0], "application/json; charset=utf-8").isJson()).isTrue();
		assertThat(new Payload(new byte[0], "application/vnd.api+json").isJson()).isTrue();
		assertThat(new Payload(new byte[0], "text/csv").isJson()).isFalse();
	}

}
