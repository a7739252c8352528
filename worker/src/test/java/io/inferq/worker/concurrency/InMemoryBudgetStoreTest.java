package io.inferq.worker.concurrency;

/** The in-memory fake holds to the {@link BudgetStore} contract. */
class InMemoryBudgetStoreTest extends BudgetStoreContractTest {

	private final InMemoryBudgetStore store = new InMemoryBudgetStore();

	@Override
	BudgetStore store() {
		return this.store;
	}

}
