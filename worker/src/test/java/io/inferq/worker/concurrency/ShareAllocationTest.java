package io.inferq.worker.concurrency;

import java.util.Map;

import io.inferq.worker.concurrency.Budget.Share;
import io.inferq.worker.concurrency.ShareAllocation.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShareAllocationTest {

	@Test
	void divide_shouldShareTheLimitEvenly_andGiveTheRemainderToWhoHoldsIt() {
		Map<String, Target> targets = ShareAllocation.divide(4, 1,
				Map.of("a", share(1, 0, 9), "b", share(2, 0, 9), "c", share(1, 0, 9)));

		assertThat(targets.get("b").total()).isEqualTo(2);
		assertThat(targets.get("a").total()).isEqualTo(1);
		assertThat(targets.get("c").total()).isEqualTo(1);
	}

	@Test
	void divide_shouldGiveNoMoreThanAWorkerAsksFor_andTheRestToOthers() {
		Map<String, Target> targets = ShareAllocation.divide(8, 0,
				Map.of("a", share(0, 0, 1), "b", share(0, 0, 20), "idle", share(3, 0, 0)));

		assertThat(targets.get("a").total()).isEqualTo(1);
		assertThat(targets.get("b").total()).isEqualTo(7);
		assertThat(targets.get("idle").total()).isZero();
	}

	@Test
	void divide_shouldServeInteractiveDemandFirst_upToItsShareOfTheCluster() {
		Map<String, Target> targets = ShareAllocation.divide(8, 2, Map.of("a", share(0, 5, 10), "b", share(0, 0, 10)));

		assertThat(targets.get("a").interactive()).isEqualTo(2);
		assertThat(targets.get("a").total() + targets.get("b").total()).isEqualTo(8);
		assertThat(targets.get("b").bulk()).isEqualTo(3);
	}

	@Test
	void divide_shouldLendTheInteractiveShareToBulk_whenNoInteractiveWorkWaits() {
		Map<String, Target> targets = ShareAllocation.divide(8, 2, Map.of("a", share(0, 0, 100)));

		assertThat(targets.get("a")).isEqualTo(new Target(0, 8));
	}

	@Test
	void divide_shouldNeverGiveMoreThanTheLimit() {
		for (int limit = 0; limit <= 12; limit++) {
			Map<String, Target> targets = ShareAllocation.divide(limit, (limit + 3) / 4,
					Map.of("a", share(3, 2, 7), "b", share(0, 9, 1), "c", share(5, 0, 0), "d", share(1, 1, 30)));
			assertThat(targets.values().stream().mapToInt(Target::total).sum()).isLessThanOrEqualTo(limit);
		}
	}

	private static Share share(int held, int interactive, int bulk) {
		return new Share(held, "r", interactive, bulk);
	}

}
