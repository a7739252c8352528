package io.inferq.api.jobs;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BodyBudgetTests {

	private final BodyBudget budget = new BodyBudget(SubmitRequestReaderTests
		.properties(Map.of("inferq.api.max-input-size", "6MB", "inferq.api.max-buffered-bytes", "10MB")));

	@Test
	void reserve_shouldRefuseWith503WhileTheBodiesHeldFillTheBudget() {
		BodyBudget.Grant first = this.budget.reserve(6 * 1024 * 1024);

		assertThatExceptionOfType(ServiceUnavailableException.class)
			.isThrownBy(() -> this.budget.reserve(6 * 1024 * 1024))
			.satisfies((ex) -> assertThat(ex.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5"));
		assertThat(this.budget.held()).isEqualTo(6 * 1024 * 1024);

		first.release();
		first.release();
		assertThat(this.budget.held()).isZero();
		this.budget.reserve(6 * 1024 * 1024).release();
	}

}
