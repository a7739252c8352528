package io.inferq.job;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import io.inferq.batch.BatchId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RandomIdsTest {

	@Test
	void generatedIds_shouldNeverBeginWithADash() {
		// Without the redraw, one in 64 would: 10,000 draws hold about 156 of them.
		Set<String> ids = new HashSet<>();
		IntStream.range(0, 5_000).forEach((i) -> {
			ids.add(JobId.random().value());
			ids.add(BatchId.random().value());
		});

		assertThat(ids).hasSize(10_000).noneMatch((id) -> id.startsWith("-")).allMatch((id) -> id.length() == 22);
		assertThat(ids).anyMatch((id) -> id.startsWith("_")).anyMatch((id) -> id.contains("-"));
	}

}
