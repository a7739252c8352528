package io.inferq.cli;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChunkTest {

	private final Chunk chunk = chunk(1, "{\"customId\":\"3\",\"input\":1}\n{\"customId\":\"5\",\"input\":2}\n", 3, 5);

	@Test
	void idempotencyKey_shouldBePrintableAsciiWithinTheApisLimit() {
		String key = this.chunk.idempotencyKey("");

		assertThat(key).matches("inferq-cli-[0-9a-f]{64}").hasSizeLessThanOrEqualTo(255);
	}

	@Test
	void idempotencyKey_shouldBeTheSameForTheSameChunk() {
		Chunk same = chunk(1, new String(this.chunk.body(), StandardCharsets.UTF_8), 3, 5);

		assertThat(same.idempotencyKey("")).isEqualTo(this.chunk.idempotencyKey(""));
	}

	@Test
	void idempotencyKey_shouldDifferWithThePositionTheLinesOrTheRunId() {
		String key = this.chunk.idempotencyKey("");
		String body = new String(this.chunk.body(), StandardCharsets.UTF_8);

		assertThat(chunk(2, body, 3, 5).idempotencyKey("")).isNotEqualTo(key);
		assertThat(chunk(1, body.replace("\"input\":2", "\"input\":3"), 3, 5).idempotencyKey("")).isNotEqualTo(key);
		assertThat(this.chunk.idempotencyKey("retry-2")).isNotEqualTo(key);
	}

	@Test
	void fileLine_shouldMapTheBatchLineToTheFileLine() {
		assertThat(this.chunk.fileLine(1)).isEqualTo(3);
		assertThat(this.chunk.fileLine(2)).isEqualTo(5);
		assertThat(this.chunk.firstFileLine()).isEqualTo(3);
		assertThat(this.chunk.lastFileLine()).isEqualTo(5);
	}

	@Test
	void fileLine_shouldRefuseALineOutsideTheChunk() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.chunk.fileLine(3));
		assertThatIllegalArgumentException().isThrownBy(() -> this.chunk.fileLine(0));
	}

	static Chunk chunk(int index, String body, int... fileLines) {
		return new Chunk(index, body.getBytes(StandardCharsets.UTF_8), fileLines);
	}

}
