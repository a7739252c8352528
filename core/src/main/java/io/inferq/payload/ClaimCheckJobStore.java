package io.inferq.payload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.store.JobStore;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobStore} that keeps inline inputs and outputs larger than a threshold out of
 * the job record: it stores them in the {@link PayloadStore} first and writes the job
 * with a reference (a claim check) instead of the bytes. Reads return the references as
 * stored; whoever needs the bytes fetches them from the payload store.
 * <p>
 * A write that fails after its payloads were stored deletes them again (best effort; one
 * left behind, by a crash in between, expires by the bucket's lifecycle rule), so a
 * refused job leaves no object. A job's input is written once, when it is created.
 */
public class ClaimCheckJobStore implements JobStore {

	private static final Logger logger = LoggerFactory.getLogger(ClaimCheckJobStore.class);

	private final JobStore jobs;

	private final PayloadStore payloads;

	private final long inlineThreshold;

	/**
	 * @param inlineThreshold the largest payload kept in the job record, in bytes
	 */
	public ClaimCheckJobStore(JobStore jobs, PayloadStore payloads, long inlineThreshold) {
		this.jobs = jobs;
		this.payloads = payloads;
		this.inlineThreshold = inlineThreshold;
	}

	@Override
	public CompletableFuture<Job> create(Job job) {
		return offload(job, true)
			.thenCompose((offloaded) -> undoOnFailure(job, offloaded, this.jobs.create(offloaded)));
	}

	@Override
	public CompletableFuture<Optional<Job>> find(JobId id) {
		return this.jobs.find(id);
	}

	/**
	 * Stores the changed job, with its output offloaded if it is large; its input,
	 * written once when the job was created, is left as it is.
	 */
	@Override
	public CompletableFuture<Job> update(Job job) {
		return offload(job, false)
			.thenCompose((offloaded) -> undoOnFailure(job, offloaded, this.jobs.update(offloaded)));
	}

	/** A start writes no payload: it goes to the job store as it is. */
	@Override
	public CompletableFuture<Job> startFirstAttempt(JobId id, TenantId tenant, Instant now, Duration lease) {
		return this.jobs.startFirstAttempt(id, tenant, now, lease);
	}

	/** A lease renewal writes no payload: it goes to the job store as it is. */
	@Override
	public CompletableFuture<Job> renewLease(Job job) {
		return this.jobs.renewLease(job);
	}

	@Override
	public CompletableFuture<Boolean> watch(JobId id, String watcher) {
		return this.jobs.watch(id, watcher);
	}

	@Override
	public CompletableFuture<List<Job>> createAll(List<Job> jobs) {
		List<CompletableFuture<Job>> offloading = jobs.stream().map((job) -> offload(job, true)).toList();
		return CompletableFuture.allOf(offloading.toArray(CompletableFuture[]::new)).handle((all, failure) -> {
			List<Job> offloaded = new ArrayList<>(jobs.size());
			for (CompletableFuture<Job> job : offloading) {
				offloaded.add(job.isCompletedExceptionally() ? null : job.join());
			}
			if (failure != null) {
				deleteNew(jobs, offloaded);
				return Futures.<List<Job>>failed(failure);
			}
			return Futures.recover(this.jobs.createAll(offloaded), (stored) -> {
				deleteNew(jobs, offloaded);
				return Futures.failed(stored);
			});
		}).thenCompose(Function.identity());
	}

	@Override
	public CompletableFuture<Map<JobId, Job>> findAll(List<JobId> ids) {
		return this.jobs.findAll(ids);
	}

	/**
	 * The job with its large inline output, and input if {@code input}, stored and
	 * referenced.
	 */
	private CompletableFuture<Job> offload(Job job, boolean input) {
		CompletableFuture<Job> withInput = (input && isLarge(job.input()))
				? this.payloads.put(job.input()).thenApply(job::withInput) : CompletableFuture.completedFuture(job);
		if (!isLarge(job.output())) {
			return withInput;
		}
		return withInput.thenCompose(
				(next) -> Futures.recover(this.payloads.put(next.output()).thenApply(next::withOutput), (failure) -> {
					deleteNew(List.of(job), List.of(next));
					return Futures.failed(failure);
				}));
	}

	private boolean isLarge(Payload payload) {
		return payload != null && !payload.isStored() && payload.size() > this.inlineThreshold;
	}

	private CompletableFuture<Job> undoOnFailure(Job original, Job offloaded, CompletableFuture<Job> write) {
		return Futures.recover(write, (failure) -> {
			deleteNew(List.of(original), List.of(offloaded));
			return Futures.failed(failure);
		});
	}

	/**
	 * Deletes the objects stored for {@code offloaded} that {@code originals} had inline.
	 */
	private void deleteNew(List<Job> originals, List<Job> offloaded) {
		for (int i = 0; i < originals.size(); i++) {
			Job original = originals.get(i);
			Job stored = offloaded.get(i);
			if (stored == null) {
				continue;
			}
			if (stored.input() != original.input()) {
				delete(original.id(), stored.input());
			}
			if (stored.output() != null && stored.output() != original.output()) {
				delete(original.id(), stored.output());
			}
		}
	}

	private void delete(JobId id, Payload payload) {
		this.payloads.delete(payload).whenComplete((deleted, failure) -> {
			if (failure != null) {
				logger.warn("Job {}: the object {} of a write that failed could not be deleted; it expires by the "
						+ "lifecycle rule: {}", id, payload.ref(), Futures.unwrap(failure).toString());
			}
		});
	}

}
