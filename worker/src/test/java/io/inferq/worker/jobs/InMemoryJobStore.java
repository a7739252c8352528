package io.inferq.worker.jobs;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.StaleJobException;

/**
 * The {@link JobStore} contract in memory, conditional writes included, for unit tests of
 * code that uses the port.
 */
class InMemoryJobStore implements JobStore {

	private final Map<JobId, Job> jobs = new ConcurrentHashMap<>();

	@Override
	public CompletableFuture<Job> create(Job job) {
		Job stored = job.withVersion(1);
		if (this.jobs.putIfAbsent(job.id(), stored) != null) {
			return CompletableFuture.failedFuture(new JobAlreadyExistsException(job.id()));
		}
		return CompletableFuture.completedFuture(stored);
	}

	@Override
	public CompletableFuture<Optional<Job>> find(JobId id) {
		return CompletableFuture.completedFuture(Optional.ofNullable(this.jobs.get(id)));
	}

	@Override
	public synchronized CompletableFuture<Job> update(Job job) {
		Job current = this.jobs.get(job.id());
		if (current == null || current.version() != job.version()) {
			return CompletableFuture.failedFuture(new StaleJobException(job.id(), job.version(), current));
		}
		Job stored = job.withVersion(job.version() + 1);
		this.jobs.put(job.id(), stored);
		return CompletableFuture.completedFuture(stored);
	}

	@Override
	public synchronized CompletableFuture<Job> renewLease(Job job) {
		Job current = this.jobs.get(job.id());
		if (current == null || current.version() != job.version() || current.status() != JobStatus.RUNNING) {
			return CompletableFuture.failedFuture(new StaleJobException(job.id(), job.version(), current));
		}
		this.jobs.put(job.id(), job.withVersion(job.version()));
		return CompletableFuture.completedFuture(job);
	}

	Job get(JobId id) {
		return this.jobs.get(id);
	}

}
