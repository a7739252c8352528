package io.inferq.cli;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class RejectedLinesExceptionTest {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Chunk chunk = ChunkTest.chunk(3, "{}\n{}\n{}\n", 2001, 2003, 2004);

	@Test
	void of_shouldTranslateTheBatchLineOfTheDetailToTheFileLine() {
		ApiException rejection = rejection(
				"{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"Line 2: duplicate customId 'a' (first on line 1)\"}");

		RejectedLinesException rejected = RejectedLinesException.of(this.chunk, rejection);

		assertThat(rejected.fileLine()).isEqualTo(2003);
		assertThat(rejected.getMessage())
			.isEqualTo("Line 2003 rejected (400 Bad Request): Line 2003: duplicate customId 'a' (first on line 2001)");
	}

	@Test
	void of_shouldPreferTheProblemsLineMember() {
		ApiException rejection = rejection(
				"{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"customId is too long\",\"line\":3}");

		assertThat(RejectedLinesException.of(this.chunk, rejection).fileLine()).isEqualTo(2004);
	}

	@Test
	void of_shouldNameTheChunksLinesWhenTheProblemNamesNone() {
		ApiException rejection = rejection(
				"{\"title\":\"Payload Too Large\",\"status\":413,\"detail\":\"Too many items\"}");

		RejectedLinesException rejected = RejectedLinesException.of(this.chunk, rejection);

		assertThat(rejected.fileLine()).isZero();
		assertThat(rejected.getMessage()).isEqualTo("Lines 2001-2004 rejected (413 Payload Too Large): Too many items");
	}

	private static ApiException rejection(String problem) {
		return new ApiException(mapper.readTree(problem).path("status").asInt(), mapper.readTree(problem), problem,
				null);
	}

}
