package io.inferq.worker.concurrency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.inferq.worker.concurrency.Limiter.Permit;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaneLimiterTest {

	@Test
	void acquire_shouldGrantUpToTheLimitAndQueueTheRest() {
		LaneLimiter limiter = new LaneLimiter(2);

		CompletableFuture<Permit> first = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> second = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> third = limiter.acquire(Lane.INTERACTIVE);

		assertThat(first).isCompleted();
		assertThat(second).isCompleted();
		assertThat(third).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(2);
		assertThat(limiter.waiting()).isEqualTo(1);
	}

	@Test
	void release_shouldHandThePermitToTheOldestWaiter() {
		LaneLimiter limiter = new LaneLimiter(1);
		Permit held = limiter.acquire(Lane.INTERACTIVE).join();
		CompletableFuture<Permit> older = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> younger = limiter.acquire(Lane.INTERACTIVE);

		held.onSuccess();

		assertThat(older).isCompleted();
		assertThat(younger).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void release_shouldCountOnlyOnce() {
		LaneLimiter limiter = new LaneLimiter(1);
		Permit permit = limiter.acquire(Lane.INTERACTIVE).join();

		permit.onSuccess();
		permit.onSuccess();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void run_shouldReleaseOnSuccessFailureAndThrow() {
		LaneLimiter limiter = new LaneLimiter(1);

		assertThat(limiter.run(Lane.INTERACTIVE, () -> CompletableFuture.completedFuture("ok")).join()).isEqualTo("ok");
		assertThat(limiter.run(Lane.INTERACTIVE,
				() -> CompletableFuture.failedFuture(new IllegalStateException("model down"))))
			.isCompletedExceptionally();
		assertThat(limiter.<String>run(Lane.INTERACTIVE, () -> {
			throw new IllegalStateException("thrown, not returned");
		})).isCompletedExceptionally();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void run_shouldNeverExceedTheLimit() {
		LaneLimiter limiter = new LaneLimiter(3);
		List<CompletableFuture<Void>> invocations = new ArrayList<>();
		List<CompletableFuture<Void>> results = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			results.add(limiter.run(Lane.INTERACTIVE, () -> {
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
		LaneLimiter limiter = new LaneLimiter(1);
		limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> waiting = limiter.acquire(Lane.INTERACTIVE);

		limiter.setLimit(2);

		assertThat(waiting).isCompleted();
		assertThat(limiter.inUse()).isEqualTo(2);
	}

	@Test
	void setLimit_shouldLetRunningTasksFinishWhenLowered() {
		LaneLimiter limiter = new LaneLimiter(2);
		Permit first = limiter.acquire(Lane.INTERACTIVE).join();
		limiter.acquire(Lane.INTERACTIVE).join();
		limiter.setLimit(1);
		CompletableFuture<Permit> waiting = limiter.acquire(Lane.INTERACTIVE);

		first.onSuccess();

		assertThat(waiting).isNotDone();
		assertThat(limiter.inUse()).isEqualTo(1);
	}

	@Test
	void cancelledWaiter_shouldGiveThePermitBack() {
		LaneLimiter limiter = new LaneLimiter(1);
		Permit held = limiter.acquire(Lane.INTERACTIVE).join();
		limiter.acquire(Lane.INTERACTIVE).cancel(false);

		held.onSuccess();

		assertThat(limiter.inUse()).isZero();
	}

	@Test
	void limitZero_shouldAdmitNoOne_untilRaised() {
		LaneLimiter limiter = new LaneLimiter(0);

		CompletableFuture<Permit> waiter = limiter.acquire(Lane.BULK);
		assertThat(waiter).isNotDone();

		limiter.setLimit(1);
		assertThat(waiter).isCompleted();
		assertThatThrownBy(() -> limiter.setLimit(-1)).hasMessageContaining("must not be negative");
	}

	@Test
	void closedAuthority_shouldStopGrants_andInvalidateHeldPermits() {
		Gate gate = new Gate();
		LaneLimiter limiter = new LaneLimiter(gate, 2, 0);
		Permit held = limiter.acquire(Lane.BULK).join();

		gate.open = false;
		CompletableFuture<Permit> waiter = limiter.acquire(Lane.BULK);

		assertThat(held.isValid()).isFalse();
		assertThat(waiter).isNotDone();
		gate.open = true;
		limiter.setLimit(2);
		assertThat(waiter).isCompleted();
		assertThat(waiter.join().isValid()).isTrue();
	}

	@Test
	void onDropped_shouldTellTheAuthorityTheGenerationOnce_andRelease() {
		Gate gate = new Gate();
		LaneLimiter limiter = new LaneLimiter(gate, 1, 0);
		gate.generation = 7;
		Permit permit = limiter.acquire(Lane.BULK).join();
		gate.generation = 8;

		permit.onDropped();
		permit.onDropped();
		permit.onSuccess();

		assertThat(gate.dropped).containsExactly(7L);
		assertThat(limiter.inUse()).isZero();
		assertThat(permit.isValid()).isFalse();
	}

	@Test
	void demand_shouldCountInUseAndWaitingPerLane() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 1, 0);
		limiter.acquire(Lane.BULK);
		limiter.acquire(Lane.BULK);
		limiter.acquire(Lane.INTERACTIVE);

		assertThat(limiter.demand(Lane.BULK)).isEqualTo(2);
		assertThat(limiter.demand(Lane.INTERACTIVE)).isEqualTo(1);
	}

	@Test
	void setLimit_shouldTakeAnExplicitInteractiveShare() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 4, 0.25);

		limiter.setLimit(6, 3);
		assertThat(limiter.reserved()).isEqualTo(3);
		limiter.setLimit(2, 3);
		assertThat(limiter.reserved()).isEqualTo(2);
	}

	@Test
	void permits_shouldGoToTheTenantsWaitingInALane_byWeight_interleaved() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 1, 0, (tenant) -> tenant.equals("acme") ? 2.0 : 1.0);
		java.util.Deque<Permit> running = new java.util.ArrayDeque<>(List.of(limiter.acquire(Lane.BULK, "x").join()));
		List<String> granted = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			for (String tenant : List.of("beta", "acme")) {
				limiter.acquire(Lane.BULK, tenant).thenAccept((permit) -> {
					granted.add(tenant);
					running.add(permit);
				});
			}
		}

		for (int i = 0; i < 9; i++) {
			running.poll().onSuccess();
		}

		assertThat(granted).hasSize(9);
		assertThat(granted.stream().filter("acme"::equals).count()).isEqualTo(6);
		assertThat(String.join(",", granted)).doesNotContain("beta,beta").doesNotContain("acme,acme,acme");
	}

	@Test
	void aTenantWithABacklog_shouldNotKeepAnothersFirstJobWaiting() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 1, 0);
		Permit held = limiter.acquire(Lane.BULK, "big").join();
		List<CompletableFuture<Permit>> backlog = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			backlog.add(limiter.acquire(Lane.BULK, "big"));
		}
		CompletableFuture<Permit> small = limiter.acquire(Lane.BULK, "small");

		held.onSuccess();
		backlog.get(0).join().onSuccess();

		assertThat(small).isCompleted();
	}

	/** An authority whose gate and generation the test sets. */
	private static final class Gate implements LimitAuthority {

		volatile boolean open = true;

		volatile long generation;

		final List<Long> dropped = new ArrayList<>();

		@Override
		public boolean mayStart() {
			return this.open;
		}

		@Override
		public long generation() {
			return this.generation;
		}

		@Override
		public void dropped(long generation) {
			this.dropped.add(generation);
		}

	}

	@Test
	void release_shouldServeInteractiveWaitersBeforeOlderBulkOnes() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 2, 0.5);
		Permit first = limiter.acquire(Lane.BULK).join();
		limiter.acquire(Lane.BULK).join();
		CompletableFuture<Permit> bulk = limiter.acquire(Lane.BULK);
		CompletableFuture<Permit> interactive = limiter.acquire(Lane.INTERACTIVE);

		first.onSuccess();

		assertThat(interactive).isCompleted();
		assertThat(bulk).isNotDone();
	}

	@Test
	void bulk_shouldBorrowTheInteractiveShareAndGiveItBackFirst() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 4, 0.5);
		assertThat(limiter.reserved()).isEqualTo(2);

		List<Permit> bulk = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			bulk.add(limiter.acquire(Lane.BULK).join());
		}
		CompletableFuture<Permit> moreBulk = limiter.acquire(Lane.BULK);
		CompletableFuture<Permit> interactive = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> secondInteractive = limiter.acquire(Lane.INTERACTIVE);
		CompletableFuture<Permit> thirdInteractive = limiter.acquire(Lane.INTERACTIVE);
		bulk.remove(0).onSuccess();
		bulk.remove(0).onSuccess();

		// Both permits go to the interactive lane, below its share of 2.
		assertThat(interactive).isCompleted();
		assertThat(secondInteractive).isCompleted();
		assertThat(moreBulk).isNotDone();

		bulk.remove(0).onSuccess();

		// The bulk lane is now below its share: it gets the permit, though an
		// interactive task has waited longer.
		assertThat(moreBulk).isCompleted();
		assertThat(thirdInteractive).isNotDone();
		assertThat(limiter.inUse(Lane.BULK)).isEqualTo(2);
		assertThat(limiter.inUse(Lane.INTERACTIVE)).isEqualTo(2);
	}

	@Test
	void interactive_shouldBorrowTheBulkShareWhenNoBulkTaskWaits() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 3, 0.25);

		for (int i = 0; i < 3; i++) {
			assertThat(limiter.acquire(Lane.INTERACTIVE)).isCompleted();
		}
		assertThat(limiter.acquire(Lane.BULK)).isNotDone();
		assertThat(limiter.reserved()).isEqualTo(1);
	}

	@Test
	void reserved_shouldBeTheShareRoundedUp() {
		assertThat(new LaneLimiter(LimitAuthority.NONE, 2, 0.25).reserved()).isEqualTo(1);
		assertThat(new LaneLimiter(LimitAuthority.NONE, 8, 0.25).reserved()).isEqualTo(2);
		assertThat(new LaneLimiter(LimitAuthority.NONE, 8, 1.0).reserved()).isEqualTo(8);
		assertThat(new LaneLimiter(LimitAuthority.NONE, 8, 0).reserved()).isZero();
		assertThatThrownBy(() -> new LaneLimiter(LimitAuthority.NONE, 2, 1.5))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void lanes_shouldNeverExceedTheLimitTogether() {
		LaneLimiter limiter = new LaneLimiter(LimitAuthority.NONE, 5, 0.4);
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
			granted.join().onSuccess();
		}
		assertThat(limiter.inUse()).isZero();
		assertThat(limiter.maxInUse()).isEqualTo(5);
	}

}
