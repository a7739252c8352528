package io.inferq.payload;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class ClaimCheckJobStoreTest {

	private static final Instant NOW = Instant.parse("2026-11-24T06:00:00Z");

	private final Payloads payloads = new Payloads();

	private final Jobs jobs = new Jobs();

	private final ClaimCheckJobStore store = new ClaimCheckJobStore(this.jobs, this.payloads, 4096);

	@Test
	void create_shouldKeepALargeInputInThePayloadStoreAndASmallOneInline() {
		Job large = store(job(new byte[4097]));
		Job small = store(job(new byte[4096]));

		assertThat(large.input().isStored()).isTrue();
		assertThat(this.payloads.objects.get(large.input().ref().key())).hasSize(4097);
		assertThat(small.input().isStored()).isFalse();
		assertThat(this.payloads.objects).hasSize(1);
	}

	@Test
	void create_shouldDeleteTheObjectOfAJobThatCouldNotBeStored() {
		Job job = job(new byte[10_000]);
		store(job);

		Throwable failure = catchThrowable(() -> this.store.create(job).join());

		assertThat(failure).hasCauseInstanceOf(JobAlreadyExistsException.class);
		assertThat(this.payloads.objects).hasSize(1);
		assertThat(this.payloads.deleted).hasValue(1);
	}

	@Test
	void createAll_shouldDeleteEveryObjectWhenTheJobsCannotBeStored() {
		this.jobs.down = true;

		Throwable failure = catchThrowable(
				() -> this.store.createAll(List.of(job(new byte[5000]), job(new byte[6000]), job(new byte[10])))
					.join());

		assertThat(failure).isNotNull();
		assertThat(this.payloads.objects).isEmpty();
		assertThat(this.payloads.deleted).hasValue(2);
	}

	@Test
	void update_shouldStoreALargeOutputAndNeverTheInputAgain() {
		Job created = this.jobs.create(job(new byte[10_000])).join();
		Job running = this.store.update(created.start(NOW, Duration.ofMinutes(3))).join();

		Job succeeded = this.store.update(running.succeed(new Payload(new byte[5000], "image/png"), NOW)).join();

		assertThat(succeeded.input().isStored()).as("the input was stored inline before; updates leave it").isFalse();
		assertThat(succeeded.output().isStored()).isTrue();
		assertThat(succeeded.output().contentType()).isEqualTo("image/png");
		assertThat(this.payloads.objects).hasSize(1);
	}

	private Job store(Job job) {
		return this.store.create(job).join();
	}

	private static Job job(byte[] input) {
		return Job.submit(JobId.random(), new Payload(input, "application/octet-stream"), null, Map.of(), NOW,
				Duration.ofHours(1));
	}

	/** Jobs in memory, unconditionally; {@code down} fails every write. */
	private static final class Jobs implements JobStore {

		private final Map<JobId, Job> jobs = new ConcurrentHashMap<>();

		private volatile boolean down;

		@Override
		public CompletableFuture<Job> create(Job job) {
			if (this.down) {
				return Futures.failed(new IllegalStateException("down"));
			}
			if (this.jobs.putIfAbsent(job.id(), job.withVersion(1)) != null) {
				return Futures.failed(new JobAlreadyExistsException(job.id()));
			}
			return CompletableFuture.completedFuture(job.withVersion(1));
		}

		@Override
		public CompletableFuture<Optional<Job>> find(JobId id) {
			return CompletableFuture.completedFuture(Optional.ofNullable(this.jobs.get(id)));
		}

		@Override
		public CompletableFuture<Job> update(Job job) {
			Job stored = job.withVersion(job.version() + 1);
			this.jobs.put(job.id(), stored);
			return CompletableFuture.completedFuture(stored);
		}

		@Override
		public CompletableFuture<Job> renewLease(Job job) {
			this.jobs.put(job.id(), job);
			return CompletableFuture.completedFuture(job);
		}

	}

	/** Objects in memory. */
	private static final class Payloads implements PayloadStore {

		private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

		private final AtomicInteger keys = new AtomicInteger();

		private final AtomicInteger deleted = new AtomicInteger();

		@Override
		public CompletableFuture<Payload> put(Payload inline) {
			String key = "payloads/" + this.keys.incrementAndGet();
			this.objects.put(key, inline.bytes());
			return CompletableFuture.completedFuture(
					Payload.stored(new PayloadRef("b", key, inline.size(), "x", true), inline.contentType()));
		}

		@Override
		public CompletableFuture<Payload> describe(Payload stored, long maxBytes) {
			return CompletableFuture.completedFuture(stored);
		}

		@Override
		public CompletableFuture<Payload> get(Payload stored, long maxBytes) {
			return CompletableFuture
				.completedFuture(new Payload(this.objects.get(stored.ref().key()), stored.contentType()));
		}

		@Override
		public CompletableFuture<InputStream> open(Payload stored) {
			return CompletableFuture.completedFuture(InputStream.nullInputStream());
		}

		@Override
		public CompletableFuture<Void> delete(Payload stored) {
			this.objects.remove(stored.ref().key());
			this.deleted.incrementAndGet();
			return CompletableFuture.completedFuture(null);
		}

	}

}
