package io.inferq.cli;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows batches' progress streams ({@code GET /v1/batches/{id}/events}, Server-Sent
 * Events) on daemon threads, one per batch, and keeps each batch's latest state, its rate
 * and its expected completion. A stream that fails or ends without an {@code end} event
 * is marked failed; the caller polls that batch instead.
 */
final class ProgressEvents implements AutoCloseable {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final BatchesClient client;

	private final Map<String, Latest> latest = new ConcurrentHashMap<>();

	private final Map<String, Thread> readers = new ConcurrentHashMap<>();

	ProgressEvents(BatchesClient client) {
		this.client = client;
	}

	/**
	 * The latest of a followed batch.
	 *
	 * @param batch the batch as the last event described it
	 * @param ratePerSecond its jobs ending per second, as the API measures it
	 * @param estimatedCompletionAt when its last job is expected to end, or {@code null}
	 * @param ended whether the stream said it ended
	 * @param failed whether the stream failed (poll instead)
	 */
	record Latest(Batch batch, double ratePerSecond, Instant estimatedCompletionAt, boolean ended, boolean failed) {

	}

	/** Starts following {@code batchId}. */
	void follow(String batchId) {
		Thread reader = new Thread(() -> read(batchId), "inferq-events-" + batchId);
		reader.setDaemon(true);
		this.readers.put(batchId, reader);
		reader.start();
	}

	/** The latest of {@code batchId}, or {@code null} before its first event. */
	Latest latest(String batchId) {
		return this.latest.get(batchId);
	}

	private void read(String batchId) {
		try (Stream<String> lines = this.client.events(batchId)) {
			Iterator<String> iterator = lines.iterator();
			String name = null;
			StringBuilder data = new StringBuilder();
			while (iterator.hasNext()) {
				String line = iterator.next();
				if (line.startsWith("event:")) {
					name = line.substring(6).trim();
				}
				else if (line.startsWith("data:")) {
					data.append(line.substring(5));
				}
				else if (line.isEmpty() && name != null) {
					boolean end = "end".equals(name);
					this.latest.put(batchId, latest(mapper.readTree(data.toString()), end));
					if (end) {
						return;
					}
					name = null;
					data.setLength(0);
				}
			}
			fail(batchId);
		}
		catch (RuntimeException ex) {
			fail(batchId);
		}
	}

	private void fail(String batchId) {
		this.latest.compute(batchId, (id, last) -> new Latest((last != null) ? last.batch() : null,
				(last != null) ? last.ratePerSecond() : 0, null, false, true));
	}

	private static Latest latest(JsonNode event, boolean ended) {
		ObjectNodeBatch batch = new ObjectNodeBatch(event);
		JsonNode eta = event.path("estimatedCompletionAt");
		return new Latest(batch.batch(), event.path("ratePerSecond").asDouble(),
				(eta.isString() && !eta.asString().isEmpty()) ? Instant.parse(eta.asString()) : null, ended, false);
	}

	/**
	 * An event's data read as a batch: the same fields, but its ID as {@code batchId}.
	 */
	private record ObjectNodeBatch(JsonNode event) {

		Batch batch() {
			Batch read = Batch.of(this.event);
			// A batch whose progress is streamed was accepted: its end waits for its
			// jobs.
			return new Batch(this.event.path("batchId").asString(), read.status(), read.total(), read.counts(), true,
					this.event);
		}

	}

	@Override
	public void close() {
		this.readers.values().forEach(Thread::interrupt);
	}

}
