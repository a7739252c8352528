package io.inferq.worker.payloads;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteBudgetTest {

	@Test
	void reserve_shouldWaitInOrderUntilTheBytesAreFree() {
		ByteBudget budget = new ByteBudget(10);
		ByteBudget.Grant first = budget.reserve(8).join();

		CompletableFuture<ByteBudget.Grant> large = budget.reserve(5);
		CompletableFuture<ByteBudget.Grant> small = budget.reserve(1);

		assertThat(large).isNotDone();
		assertThat(small).as("no overtaking a waiting reservation").isNotDone();
		first.release();
		first.release();
		assertThat(large).isDone();
		assertThat(small).isDone();
		assertThat(budget.held()).isEqualTo(6);
	}

	@Test
	void reserve_shouldLetAPayloadLargerThanTheBudgetGoAlone() {
		ByteBudget budget = new ByteBudget(10);
		ByteBudget.Grant small = budget.reserve(1).join();

		CompletableFuture<ByteBudget.Grant> huge = budget.reserve(50);

		assertThat(huge).isNotDone();
		small.release();
		assertThat(huge).isDone();
		assertThat(budget.held()).isEqualTo(10);
	}

	@Test
	void hold_shouldCountBytesBeyondTheBudgetAndMakeReservationsWait() {
		ByteBudget budget = new ByteBudget(10);
		ByteBudget.Grant output = budget.hold(25);

		CompletableFuture<ByteBudget.Grant> next = budget.reserve(1);

		assertThat(budget.held()).isEqualTo(25);
		assertThat(next).isNotDone();
		output.release();
		assertThat(next).isDone();
	}

}
