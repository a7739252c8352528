package io.inferq.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkReaderTest {

	@TempDir
	Path directory;

	@Test
	void read_shouldSplitTheFileIntoChunksOfAtMostTheChunkSize() throws IOException {
		List<Chunk> chunks = read(lines(7), 3);

		assertThat(chunks).extracting(Chunk::index).containsExactly(0, 1, 2);
		assertThat(chunks).extracting(Chunk::size).containsExactly(3, 3, 1);
		assertThat(chunks.get(1).fileLines()).containsExactly(4, 5, 6);
	}

	@Test
	void read_shouldUseTheFileLineAsCustomIdOfLinesWithoutOne() throws IOException {
		List<Chunk> chunks = read("{\"prompt\":\"a\"}\n[1,2]\n\"text\"\n", 10);

		assertThat(body(chunks.get(0))).isEqualTo("""
				{"customId":"1","input":{"prompt":"a"}}
				{"customId":"2","input":[1,2]}
				{"customId":"3","input":"text"}
				""");
	}

	@Test
	void read_shouldSendLinesWithACustomIdByteForByte() throws IOException {
		String item = "{ \"customId\" : \"a-1\", \"input\": {\"x\": 1.50}, \"metadata\": {\"k\": \"v\"} }";

		List<Chunk> chunks = read(item + "\n", 10);

		assertThat(body(chunks.get(0))).isEqualTo(item + "\n");
	}

	@Test
	void read_shouldTakeAnObjectWithAnInputButNoCustomIdAsTheInput() throws IOException {
		List<Chunk> chunks = read("{\"input\":\"embed me\"}\n", 10);

		assertThat(body(chunks.get(0))).isEqualTo("{\"customId\":\"1\",\"input\":{\"input\":\"embed me\"}}\n");
	}

	@Test
	void read_shouldSkipBlankLinesButKeepTheFileLineNumbers() throws IOException {
		List<Chunk> chunks = read("1\n\n   \n2\r\n3\n\n", 2);

		assertThat(chunks).hasSize(2);
		assertThat(chunks.get(0).fileLines()).containsExactly(1, 4);
		assertThat(chunks.get(1).fileLines()).containsExactly(5);
		assertThat(body(chunks.get(0)))
			.isEqualTo("{\"customId\":\"1\",\"input\":1}\n{\"customId\":\"4\",\"input\":2}\n");
	}

	@Test
	void read_shouldNameTheLineThatIsNotJson() {
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> read("1\n\n{\"a\":\n4\n", 10))
			.withMessageStartingWith("Line 3: not JSON")
			.extracting(InvalidInputException::fileLine)
			.isEqualTo(3);
	}

	@Test
	void read_shouldRefuseTrailingContentAfterTheJson() {
		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> read("{\"a\":1} {\"b\":2}\n", 10))
			.withMessageStartingWith("Line 1: not JSON");
	}

	@Test
	void read_shouldReadLinesLongerThanItsBuffer() throws IOException {
		String text = "\"" + "x".repeat(200_000) + "\"";

		List<Chunk> chunks = read("1\n" + text + "\n3", 10);

		assertThat(chunks.get(0).fileLines()).containsExactly(1, 2, 3);
		assertThat(body(chunks.get(0))).contains("{\"customId\":\"2\",\"input\":" + text + "}\n")
			.endsWith("{\"customId\":\"3\",\"input\":3}\n");
	}

	@Test
	void countItems_shouldCountTheNonBlankLinesOfAFile() throws IOException {
		Path file = this.directory.resolve("in.jsonl");
		Files.writeString(file, lines(2500) + "\n\n");

		assertThat(ChunkReader.countItems(file, 1000)).isEqualTo(2500);
	}

	@Test
	void countItems_shouldNameTheLineThatIsNotUtf8() throws IOException {
		Path file = this.directory.resolve("latin1.jsonl");
		Files.write(file, "1\n\"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1));

		assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> ChunkReader.countItems(file, 10))
			.withMessage("Line 2: not UTF-8");
	}

	@Test
	void read_shouldGiveTheSameChunksForTheSameFile() throws IOException {
		String text = lines(10);

		List<Chunk> first = read(text, 4);
		List<Chunk> second = read(text, 4);

		assertThat(first).hasSameSizeAs(second);
		for (int i = 0; i < first.size(); i++) {
			assertThat(first.get(i).body()).isEqualTo(second.get(i).body());
			assertThat(first.get(i).idempotencyKey("")).isEqualTo(second.get(i).idempotencyKey(""));
		}
	}

	static String lines(int count) {
		StringBuilder text = new StringBuilder();
		for (int i = 1; i <= count; i++) {
			text.append("{\"n\":").append(i).append("}\n");
		}
		return text.toString();
	}

	private static List<Chunk> read(String text, int chunkSize) throws IOException {
		List<Chunk> chunks = new ArrayList<>();
		try (ChunkReader reader = ChunkReader.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
				chunkSize)) {
			while (reader.hasNext()) {
				chunks.add(reader.next());
			}
		}
		return chunks;
	}

	private static String body(Chunk chunk) {
		return new String(chunk.body(), StandardCharsets.UTF_8);
	}

}
