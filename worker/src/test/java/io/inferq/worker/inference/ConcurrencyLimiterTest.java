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

	@Test
	void release_shouldServeInteractiveWaitersBeforeOlderBulkOnes() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(2, 0.5);
		Permit first = limiter.acquire(Lane.BULK).join();
		limiter.acquire(Lane.BULK).join();
		CompletableFuture<Permit> bulk = limiter.acquire(Lane.BULK);
		CompletableFuture<Permit> interactive = limiter.acquire(Lane.INTERACTIVE);

		first.release();

		assertThat(interactive).isCompleted();
		assertThat(bulk).isNotDone();
	}

	@Test
	void bulk_shouldBorrowTheInteractiveShareAndGiveItBackFirst() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(4, 0.5);
		assertThat(limiter.reserved()).isEqualTo(2);

		List<Permit> bulk = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			bulk.add(limiter.acquire(Lane.BULK).join());
		}
		CompletableFuture<Permit> moreBulk = limiter.acquire(Lane.BULK);
		CompletableFuture<Permit> interactive = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> secondInteractive = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> thirdInteractive = limiter.acquire(Lane.INTERACTIVE);
		bulk.remove(0).release();
		bulk.remove(0).release();

		// Both permits go to the interactive lane, below its share of 2.
		assertThat(interactive).isCompleted();
		assertThat(secondInteractive).isCompleted();
		assertThat(moreBulk).isNotDone();

		bulk.remove(0).release();

		// The bulk lane is now below its share: it gets the permit, though an
		// interactive task has waited longer.
		assertThat(moreBulk).isCompleted();
		assertThat(thirdInteractive).isNotDone();
		assertThat(limiter.inUse(Lane.BULK)).isEqualTo(2);
		assertThat(limiter.inUse(Lane.INTERACTIVE)).isEqualTo(2);
	}

	@Test
	void interactive_shouldBorrowTheBulkShareWhenNoBulkTaskWaits() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(3, 0.25);

		for (int i = 0; i < 3; i++) {
			assertThat(limiter.acquire(Lane.INTERACTIVE)).isCompleted();
		}
		assertThat(limiter.acquire(Lane.BULK)).isNotDone();
		assertThat(limiter.reserved()).isEqualTo(1);
	}

	@Test
	void reserved_shouldBeTheShareRoundedUp() {
		assertThat(new ConcurrencyLimiter(2, 0.25).reserved()).isEqualTo(1);
		assertThat(new ConcurrencyLimiter(8, 0.25).reserved()).isEqualTo(2);
		assertThat(new ConcurrencyLimiter(8, 1.0).reserved()).isEqualTo(8);
		assertThat(new ConcurrencyLimiter(8, 0).reserved()).isZero();
		assertThatThrownBy(() -> new ConcurrencyLimiter(2, 1.5)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void lanes_shouldNeverExceedTheLimitTogether() {
		ConcurrencyLimiter limiter = new ConcurrencyLimiter(5, 0.4);
		List<CompletableFuture<Permit>> pending = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			pending.add(limiter.acquire((i % 3 == 0) ? Lane.INTERACTIVE : Lane.BULK));
		}
		while (!pending.isEmpty()) {
			assertThat(limiter.inUse()).isLessThanOrEqualTo(5);
			CompletableFuture<Permit> granted = pending.stream()
				.filter(CompletableFuture::isDone)
				.findFirst()
				.orElseThrow();
			pending.remove(granted);
			granted.join().release();
		}
		assertThat(limiter.inUse()).isZero();
		assertThat(limiter.maxInUse()).isEqualTo(5);
	}

}
