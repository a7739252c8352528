package io.inferq.worker.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.worker.inference.ConcurrencyLimiter.Permit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrencyLimiterTest {

	@Test
	void acquire_shouldGrantUpToTheLimitAndQueueTheRest() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);

		CompletableFuture<Permit> first = limiter.acquire();
		CompletableFuture<Permit> second = limiter.acquire();
		CompletableFuture<Permit> third = limiter.acquire();

		assertThat(first).isCompleted();
		assertThat(second).isCompleted();
		assertThat(third).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(2);
		assertThat(limiter.waiting()).isEqualTo(1);
	}

	@Test
	void release_shouldHandThePermitToTheOldestWaiter() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
		Permit held = limiter.acquire().join();
		CompletableFuture<Permit> older = limiter.acquire();
		CompletableFuture<Permit> younger = limiter.acquire();

		held.release();

		assertThat(older).isCompleted();
		assertThat(younger).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void release_shouldCountOnlyOnce() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
		Permit permit = limiter.acquire().join();

		permit.release();
		permit.release();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void run_shouldReleaseOnSuccessFailureAndThrow() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);

		assertThat(limiter.run(() -> CompletableFuture.completedFuture("ok")).join()).isEqualTo("ok");
		assertThat(limiter.run(() -> CompletableFuture.failedFuture(new IllegalStateException("model down"))))
			.isCompletedExceptionally();
		assertThat(limiter.<String>run(() -> {
			throw new IllegalStateException("thrown, not returned");
		})).isCompletedExceptionally();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void run_shouldNeverExceedTheLimit() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(3);
		List<CompletableFuture<Void>> invocations = new ArrayList<>();
		List<CompletableFuture<Void>> results = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			results.add(limiter.run(() -> {
				CompletableFuture<Void> invocation = new CompletableFuture<>();
				invocations.add(invocation);
				return invocation;
			}));
		}
		while (!invocations.isEmpty()) {
			assertThat(limiter.inUse()).isLessThanOrEqualTo(3);
			invocations.remove(0).complete(null);
		}

		assertThat(results).allMatch(CompletableFuture::isDone);
		assertThat(limiter.maxInUse()).isEqualTo(3);
		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void setLimit_shouldAdmitWaitersWhenRaised() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
		limiter.acquire();
		CompletableFuture<Permit> waiting = limiter.acquire();

		limiter.setLimit(2);

		assertThat(waiting).isCompleted();
		assertThat(limiter.inUse()).isEqualTo(2);
	}

	@Test
	void setLimit_shouldLetRunningTasksFinishWhenLowered() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);
		Permit first = limiter.acquire().join();
		limiter.acquire().join();
		limiter.setLimit(1);
		CompletableFuture<Permit> waiting = limiter.acquire();

		first.release();

		assertThat(waiting).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void cancelledWaiter_shouldGiveThePermitBack() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
		Permit held = limiter.acquire().join();
		limiter.acquire().cancel(false);

		held.release();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void constructor_shouldRefuseALimitBelowOne() {
		assertThatThrownBy(() -> new ConcurrencyLimiter(0)).hasMessageContaining("at least 1");
	}

}
