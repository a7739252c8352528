package io.inferq.worker.concurrency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.worker.concurrency.Budget.Share;
import io.inferq.worker.concurrency.Limiter.Permit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The budget protocol with several workers in one JVM, on the in-memory store held to the
 * DynamoDB adapter's contract, with short leases: the sum of what the workers may start
 * never exceeds the limit, and the whole limit is used while work waits.
 */
class ClusterBudgetTest {

	private static final String KEY = "budget#test#all";

	private static final Duration SHARE_LEASE = Duration.ofMillis(600);

	private static final Duration INVOCATION_TIMEOUT = Duration.ofMillis(400);

	private final InMemoryBudgetStore store = new InMemoryBudgetStore();

	private final AtomicInteger capacity = new AtomicInteger(4);

	private final List<Worker> workers = new ArrayList<>();

	@AfterEach
	void stop() {
		this.workers.forEach(Worker::stop);
	}

	@Test
	void workers_shouldShareTheCapacity_neverMoreAndAllOfIt() {
		Worker a = worker("a");
		Worker b = worker("b");
		Worker c = worker("c");
		for (Worker worker : List.of(a, b, c)) {
			worker.want(10);
		}

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(List.of(a, b, c))
				.allSatisfy((worker) -> assertThat(worker.limiter.limit()).isPositive()));
		int samples = 0;
		int full = 0;
		for (int i = 0; i < 100; i++) {
			int inUse = inUse();
			assertThat(inUse).isLessThanOrEqualTo(4);
			assertThat(this.store.find(KEY).join().orElseThrow().totalHeld()).isLessThanOrEqualTo(4);
			samples++;
			full += (inUse == 4) ? 1 : 0;
			sleep(10);
		}
		// Between one request's end and the next one's grant, a permit is briefly free.
		assertThat(full).isGreaterThan(samples / 2);
	}

	@Test
	void aSilentWorker_shouldStopStarting_andItsShareGoElsewhere_onlyAfterLeasePlusInvocationTimeout() {
		List<Worker> busy = busyWorkers("a", "b");
		Worker a = busy.get(0);
		Worker b = busy.get(1);

		a.cut = true;
		long cutAt = System.nanoTime();
		await().atMost(SHARE_LEASE.plusMillis(300)).until(() -> !a.budget.mayStart());
		long stoppedAfter = millisSince(cutAt);
		await().atMost(Duration.ofMillis(300)).until(() -> a.limiter.inUse() == 0);
		while (b.limiter.limit() < 4 && millisSince(cutAt) < 5_000) {
			assertThat(inUse()).isLessThanOrEqualTo(4);
			sleep(10);
		}
		long reclaimedAfter = millisSince(cutAt);

		assertThat(b.limiter.limit()).isEqualTo(4);
		assertThat(stoppedAfter).isLessThanOrEqualTo(SHARE_LEASE.toMillis() + 100);
		assertThat(reclaimedAfter).isGreaterThanOrEqualTo(SHARE_LEASE.plus(INVOCATION_TIMEOUT).toMillis());
		assertThat(a.limiter.waiting()).isPositive();
		assertThat(a.limiter.inUse()).isZero();
	}

	@Test
	void aWorkerThatLostItsShare_shouldJoinAgain_andStartNothingBefore() {
		List<Worker> busy = busyWorkers("a", "b");
		Worker a = busy.get(0);
		Worker b = busy.get(1);

		a.cut = true;
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.store.find(KEY).join().orElseThrow().share("a").isEmpty());
		assertThat(a.limiter.inUse()).isZero();
		a.cut = false;

		await().atMost(Duration.ofSeconds(5)).until(() -> a.limiter.limit() > 0 && a.limiter.inUse() > 0);
		assertThat(this.store.find(KEY).join().orElseThrow().totalHeld()).isLessThanOrEqualTo(4);
	}

	@Test
	void theLimit_shouldFollowTheCapacity_andShrinkWithoutOverSubscribing() {
		Worker a = worker("a");
		Worker b = worker("b");
		a.want(20);
		b.want(20);
		await().atMost(Duration.ofSeconds(5)).until(() -> a.limiter.limit() + b.limiter.limit() == 4);

		this.capacity.set(8);
		await().atMost(Duration.ofSeconds(5)).until(() -> a.limiter.limit() + b.limiter.limit() == 8);
		await().atMost(Duration.ofSeconds(5)).until(() -> inUse() == 8);

		this.capacity.set(2);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.find(KEY).join().orElseThrow().limit() == 2);
		await().atMost(Duration.ofSeconds(5)).until(() -> inUse() <= 2);
		for (int i = 0; i < 50; i++) {
			assertThat(inUse()).isLessThanOrEqualTo(2);
			sleep(10);
		}
		assertThat(this.store.find(KEY).join().orElseThrow().totalHeld()).isLessThanOrEqualTo(2);
	}

	@Test
	void overloads_shouldCutTheLimitOncePerEpoch_andTheLeaderRaiseItBack() {
		Worker a = worker("a");
		a.pause();
		a.want(4);
		await().atMost(Duration.ofSeconds(5)).until(() -> inUse() == 4);

		a.dropAll(3);
		await().atMost(Duration.ofSeconds(2)).until(() -> this.store.find(KEY).join().orElseThrow().limit() < 4);
		assertThat(this.store.find(KEY).join().orElseThrow().limit()).isEqualTo(AimdLimit.decrease(4));

		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.find(KEY).join().orElseThrow().limit() == 4);
	}

	@Test
	void close_shouldGiveTheShareBack_atOnce() {
		List<Worker> busy = busyWorkers("a", "b");
		Worker a = busy.get(0);
		Worker b = busy.get(1);

		a.pause();
		a.finishAll();
		a.stop();

		await().atMost(Duration.ofSeconds(2)).until(() -> b.limiter.limit() == 4);
	}

	@Test
	void anIdleWorker_shouldRenewRarely() {
		worker("a");
		await().atMost(Duration.ofSeconds(2)).until(() -> this.store.find(KEY).join().isPresent());
		sleep(200);
		int before = this.store.requests.get();

		sleep(1_000);

		// Idle heartbeat 250 ms: about 4 renewals, none of them triggered by anything
		// else.
		assertThat(this.store.requests.get() - before).isBetween(2, 7);
	}

	/** Workers that keep 10 requests going each, once each holds a share. */
	private List<Worker> busyWorkers(String... ids) {
		List<Worker> busy = new ArrayList<>();
		for (String id : ids) {
			busy.add(worker(id));
		}
		busy.forEach((worker) -> worker.want(10));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> busy.stream().allMatch((worker) -> worker.limiter.limit() > 0));
		return busy;
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

	private int inUse() {
		return this.workers.stream().mapToInt((worker) -> worker.limiter.inUse()).sum();
	}

	private Worker worker(String id) {
		Worker worker = new Worker(id);
		this.workers.add(worker);
		return worker;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One worker: its budget, its limiter, and the permits it holds. */
	private final class Worker {

		final ClusterBudget budget;

		final LaneLimiter limiter;

		final List<Permit> held = new ArrayList<>();

		volatile boolean cut;

		volatile boolean running;

		Worker(String id) {
			BudgetStore cuttable = new CuttableStore(ClusterBudgetTest.this.store, () -> this.cut);
			this.budget = new ClusterBudget(cuttable,
					() -> CompletableFuture.completedFuture(ClusterBudgetTest.this.capacity.get()),
					new ClusterBudget.Settings(KEY, SHARE_LEASE, Duration.ofMillis(100), Duration.ofMillis(250),
							INVOCATION_TIMEOUT, Duration.ofMillis(100), Duration.ofMillis(500), 0.25, true, null),
					id);
			this.limiter = new LaneLimiter(this.budget, 0, 0.25);
			this.budget.start(this.limiter);
		}

		/**
		 * Keeps {@code count} requests going: each permit is held for the model's 50 ms,
		 * then ended and asked for again, until {@link #pause()}.
		 */
		void want(int count) {
			this.running = true;
			for (int i = 0; i < count; i++) {
				this.limiter.acquire(Lane.BULK).thenAccept(this::hold);
			}
		}

		/** Holds granted permits until finished by hand. */
		void pause() {
			this.running = false;
		}

		private void hold(Permit permit) {
			synchronized (this) {
				this.held.add(permit);
			}
			if (this.running) {
				CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS).execute(() -> {
					boolean mine;
					synchronized (this) {
						mine = this.held.remove(permit);
					}
					if (mine) {
						permit.onSuccess();
						this.limiter.acquire(Lane.BULK).thenAccept(this::hold);
					}
				});
			}
		}

		void finishAll() {
			List<Permit> all;
			synchronized (this) {
				all = new ArrayList<>(this.held);
				this.held.clear();
			}
			all.forEach(Permit::onSuccess);
		}

		void dropAll(int count) {
			List<Permit> dropped;
			synchronized (this) {
				dropped = new ArrayList<>(this.held.subList(0, Math.min(count, this.held.size())));
				this.held.removeAll(dropped);
			}
			dropped.forEach(Permit::onDropped);
		}

		void stop() {
			this.budget.close();
		}

	}

	/** A store this worker cannot reach while {@code cut} says so. */
	private record CuttableStore(BudgetStore store, java.util.function.BooleanSupplier cut) implements BudgetStore {

		private <T> CompletableFuture<T> unlessCut(java.util.function.Supplier<CompletableFuture<T>> call) {
			return this.cut.getAsBoolean() ? CompletableFuture.failedFuture(new IllegalStateException("cut off"))
					: call.get();
		}

		@Override
		public CompletableFuture<Budget> join(String key, String worker, Share share, int capacity) {
			return unlessCut(() -> this.store.join(key, worker, share, capacity));
		}

		@Override
		public CompletableFuture<Budget> putShare(String key, String worker, Share share) {
			return unlessCut(() -> this.store.putShare(key, worker, share));
		}

		@Override
		public CompletableFuture<Budget> change(String key, long expectedVersion, String worker, Share share,
				Change change) {
			return unlessCut(() -> this.store.change(key, expectedVersion, worker, share, change));
		}

		@Override
		public CompletableFuture<Optional<Budget>> remove(String key, String worker, String renewal) {
			return unlessCut(() -> this.store.remove(key, worker, renewal));
		}

		@Override
		public CompletableFuture<Optional<Budget>> find(String key) {
			return unlessCut(() -> this.store.find(key));
		}

	}

}
