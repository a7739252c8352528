package io.inferq.worker.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.store.JobStore;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's {@link JobStore}: the store it wraps, and after every write that ends a
 * job that owes events (whose outbox mark that same write set) the events relayed at
 * once, in the background: the write's future does not wait for it, and a relay that
 * fails is left to the {@link OutboxSweeper}.
 */
class OutboxJobStore implements JobStore {

	private static final Logger logger = LoggerFactory.getLogger(OutboxJobStore.class);

	private final JobStore store;

	private final OutboxRelay relay;

	private final int haltAfterOutcomes;

	private final AtomicInteger outcomes = new AtomicInteger();

	/**
	 * @param haltAfterOutcomes fault injection: halt the JVM right after this many
	 * outcomes that owe an event were stored, before relaying the last; 0 never
	 */
	OutboxJobStore(JobStore store, OutboxRelay relay, int haltAfterOutcomes) {
		this.store = store;
		this.relay = relay;
		this.haltAfterOutcomes = haltAfterOutcomes;
	}

	@Override
	public CompletableFuture<Job> create(Job job) {
		return this.store.create(job);
	}

	@Override
	public CompletableFuture<Optional<Job>> find(JobId id) {
		return this.store.find(id);
	}

	@Override
	public CompletableFuture<Job> update(Job job) {
		return this.store.update(job).thenApply((stored) -> {
			if (this.relay.owesEvent(stored)) {
				haltIfAsked(stored);
				this.relay.relay(stored).whenComplete((relayed, failure) -> {
					if (failure != null) {
						logger.warn("Job {}: its webhook event could not be queued; the sweeper will: {}", stored.id(),
								failure.toString());
					}
				});
			}
			return stored;
		});
	}

	/** A start owes no event. */
	@Override
	public CompletableFuture<Job> startFirstAttempt(JobId id, TenantId tenant, Instant now, Duration lease) {
		return this.store.startFirstAttempt(id, tenant, now, lease);
	}

	@Override
	public CompletableFuture<Job> renewLease(Job job) {
		return this.store.renewLease(job);
	}

	@Override
	public CompletableFuture<List<Job>> createAll(List<Job> jobs) {
		return this.store.createAll(jobs);
	}

	@Override
	public CompletableFuture<Map<JobId, Job>> findAll(List<JobId> ids) {
		return this.store.findAll(ids);
	}

	private void haltIfAsked(Job stored) {
		if (this.haltAfterOutcomes > 0 && this.outcomes.incrementAndGet() == this.haltAfterOutcomes) {
			logger.warn("Job {}: halting after {} outcomes, before queuing its webhook event (fault injection: {}"
					+ ".halt-after-outcomes)", stored.id(), this.haltAfterOutcomes, WebhookProperties.PREFIX);
			Runtime.getRuntime().halt(137);
		}
	}

}
