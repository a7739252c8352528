package io.inferq.worker.concurrency;

import java.util.UUID;
import java.util.concurrent.CompletionException;

import io.inferq.worker.concurrency.Budget.Share;
import io.inferq.worker.concurrency.BudgetStore.Change;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link BudgetStore} contract, run against every implementation, so that the
 * in-memory one the protocol's unit tests use cannot drift from DynamoDB.
 */
abstract class BudgetStoreContractTest {

	private final String key = "budget#contract-" + UUID.randomUUID() + "#all";

	abstract BudgetStore store();

	@Test
	void join_shouldCreateTheBudget_withTheFirstWorkerLeading() {
		Budget budget = store().join(this.key, "a", share(0), 4).join();

		assertThat(budget.capacity()).isEqualTo(4);
		assertThat(budget.limit()).isEqualTo(4);
		assertThat(budget.leader()).isEqualTo("a");
		assertThat(budget.shares()).containsOnlyKeys("a");
		assertThat(store().find(this.key).join()).contains(budget);
	}

	@Test
	void join_shouldAddAShare_toABudgetThatExists() {
		Budget created = store().join(this.key, "a", share(0), 4).join();

		Budget joined = store().join(this.key, "b", share(0), 9).join();

		assertThat(joined.shares()).containsOnlyKeys("a", "b");
		assertThat(joined.capacity()).isEqualTo(4);
		assertThat(joined.version()).isEqualTo(created.version());
		assertThat(joined.leader()).isEqualTo("a");
	}

	@Test
	void change_shouldRaiseAShareAndTheVersion_atTheExpectedVersion() {
		Budget created = store().join(this.key, "a", share(0), 4).join();

		Budget changed = store().change(this.key, created.version(), "a", share(3), Change.NONE).join();

		assertThat(changed.version()).isEqualTo(created.version() + 1);
		assertThat(changed.share("a")).get().extracting(Share::held).isEqualTo(3);
	}

	@Test
	void change_shouldFailWithTheStoredBudget_whenStale() {
		Budget created = store().join(this.key, "a", share(0), 4).join();
		store().join(this.key, "b", share(0), 4).join();
		Budget raised = store().change(this.key, created.version(), "b", share(2), Change.NONE).join();

		assertThatThrownBy(() -> store().change(this.key, created.version(), "a", share(4), Change.NONE).join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(StaleBudgetException.class,
					(stale) -> assertThat(stale.current()).isEqualTo(raised));
	}

	@Test
	void change_shouldSetTheLimitAndRaiseItsEpoch_andTheCapacityAndLeader() {
		Budget created = store().join(this.key, "a", share(0), 4).join();
		store().join(this.key, "b", share(0), 4).join();

		Budget limited = store().change(this.key, created.version(), "b", share(0), Change.limit(3)).join();
		Budget scaled = store().change(this.key, limited.version(), "b", share(0), Change.capacity(8, 8)).join();
		Budget led = store().change(this.key, scaled.version(), "b", share(0), Change.leader("b")).join();

		assertThat(limited.limit()).isEqualTo(3);
		assertThat(limited.limitEpoch()).isEqualTo(created.limitEpoch() + 1);
		assertThat(scaled.capacity()).isEqualTo(8);
		assertThat(scaled.limit()).isEqualTo(8);
		assertThat(scaled.limitEpoch()).isEqualTo(created.limitEpoch() + 2);
		assertThat(led.leader()).isEqualTo("b");
	}

	@Test
	void putShare_shouldRenewAndLower_butNeverRaise() {
		Budget created = store().join(this.key, "a", share(0), 4).join();
		store().change(this.key, created.version(), "a", share(3), Change.NONE).join();

		Budget lowered = store().putShare(this.key, "a", new Share(1, "r2", 5, 6)).join();

		assertThat(lowered.share("a")).contains(new Share(1, "r2", 5, 6));
		assertThat(lowered.version()).isEqualTo(created.version() + 1);
		assertThatThrownBy(() -> store().putShare(this.key, "a", share(2)).join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isNotInstanceOf(ShareLostException.class);
	}

	@Test
	void writes_shouldFailAsLost_onceTheShareWasRemoved() {
		Budget created = store().join(this.key, "a", share(0), 4).join();
		store().join(this.key, "b", share(0), 4).join();
		Budget seen = store().find(this.key).join().orElseThrow();

		store().remove(this.key, "b", seen.share("b").get().renewal()).join();

		assertThatThrownBy(() -> store().putShare(this.key, "b", share(0)).join()).cause()
			.isInstanceOf(ShareLostException.class);
		assertThatThrownBy(() -> store().change(this.key, created.version(), "b", share(1), Change.NONE).join()).cause()
			.isInstanceOf(ShareLostException.class);
	}

	@Test
	void remove_shouldKeepAShareRenewedSinceItWasSeen() {
		store().join(this.key, "a", share(0), 4).join();
		store().join(this.key, "b", new Share(0, "old", 0, 0), 4).join();
		store().putShare(this.key, "b", new Share(0, "new", 0, 0)).join();

		Budget after = store().remove(this.key, "b", "old").join().orElseThrow();

		assertThat(after.shares()).containsKey("b");
		assertThat(store().remove(this.key, "b", null).join().orElseThrow().shares()).doesNotContainKey("b");
	}

	@Test
	void find_shouldBeEmpty_forNoBudget() {
		assertThat(store().find(this.key).join()).isEmpty();
		assertThat(store().remove(this.key, "a", "r").join()).isEmpty();
	}

	private static Share share(int held) {
		return new Share(held, UUID.randomUUID().toString(), 0, 0);
	}

}
