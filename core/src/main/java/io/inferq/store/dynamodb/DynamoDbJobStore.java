package io.inferq.store.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.inferq.concurrent.Backoff;
import io.inferq.webhook.EventScope;
import io.inferq.concurrent.Futures;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobAttempt;
import io.inferq.job.JobStatus;
import io.inferq.store.JobAlreadyExistsException;
import io.inferq.store.JobStore;
import io.inferq.store.JobTooLargeException;
import io.inferq.store.JobWatchers;
import io.inferq.store.StaleJobException;
import io.inferq.tenant.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link JobStore} on a DynamoDB table defined by {@link JobTable}: one item per job,
 * created whole with a conditional {@code PutItem}; every later change is an
 * {@code UpdateItem} of the state attributes alone ({@link JobItems#STATE}) under a
 * condition on the {@code version} attribute, so the input is written once. A job past
 * its retention reads as gone, whether or not TTL has deleted it yet.
 * <p>
 * A write that changes the status of a job of a batch is a {@code TransactWriteItems} of
 * that write and an {@code Update} of one of the batch's counter shards that moves one
 * from the old status's counter to the new one's (see {@link BatchCounters}, which also
 * ends the batch with its last job); a transaction that loses to a concurrent one on the
 * same shard is tried again. A job of no batch starts its first attempt in one
 * {@code UpdateItem} that returns it whole ({@link #startFirstAttempt}), without a read.
 * Bulk writes ({@code BatchWriteItem}) and reads ({@code BatchGetItem}) retry what
 * DynamoDB left unprocessed until all is done or the backoff gives up, and then fail:
 * nothing is dropped silently.
 * <p>
 * Watchers ({@link #watch}) are a string set on the job's item, added to while the job is
 * QUEUED or RUNNING. The write that ends a job removes them and, once it succeeded,
 * {@link JobWatchers} tells them: an {@code UpdateItem} gets them back with
 * {@code ReturnValues=UPDATED_OLD}; a transaction (a job of a batch), which returns
 * nothing, removes them under a condition on how many there are (none at first): one that
 * finds more fails on that condition alone, learns them from the item DynamoDB returns
 * and is tried again expecting them. So a watcher registered before the end is told, and
 * one registering after it is refused and reads the job: no end is missed, and a job
 * nobody watches costs nothing more.
 */
public class DynamoDbJobStore implements JobStore {

	/** DynamoDB's limit on one item, in bytes. */
	public static final long MAX_ITEM_BYTES = 400 * 1024;

	/** The most puts in one {@code BatchWriteItem}. */
	static final int MAX_BATCH_WRITE = 25;

	/** The most keys in one {@code BatchGetItem}. */
	static final int MAX_BATCH_GET = 100;

	/**
	 * The longest watcher address {@link #watch} takes: an SQS queue URL is far shorter.
	 */
	static final int MAX_WATCHER_LENGTH = 1024;

	private static final Logger logger = LoggerFactory.getLogger(DynamoDbJobStore.class);

	/**
	 * The attribute names of {@link #startFirstAttempt}'s update, the same every time.
	 */
	private static final Map<String, String> START_NAMES = Map.of("#status", JobItems.STATUS, "#tenantStatus",
			JobTable.TENANT_STATUS_SHARD, "#version", JobItems.VERSION, "#startedAt", JobItems.STARTED_AT, "#lease",
			JobItems.LEASE_EXPIRES_AT, "#attempts", JobItems.ATTEMPTS, "#history", JobItems.HISTORY, "#tenant",
			JobItems.TENANT, "#deadline", JobItems.DEADLINE, "#batch", JobItems.BATCH_ID);

	/**
	 * The values of {@link #startFirstAttempt}'s update that do not depend on the job.
	 */
	private static final Map<String, AttributeValue> START_CONSTANTS = Map.of(":running",
			JobItems.s(JobStatus.RUNNING.name()), ":one", JobItems.n(1), ":none", AttributeValue.fromL(List.of()),
			":queued", JobItems.s(JobStatus.QUEUED.name()), ":zero", JobItems.n(0), ":maxHistory",
			JobItems.n(Job.MAX_HISTORY));

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	private final JobItems items;

	private final Backoff unprocessed;

	private final BatchCounters counters;

	private final JobWatchers watchers;

	/**
	 * @param retention how long DynamoDB keeps a job after it ended (through TTL)
	 */
	public DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention) {
		this(dynamoDb, tableName, retention, Backoff.AWS_PARTIAL_FAILURES);
	}

	/**
	 * @param retention how long DynamoDB keeps a job after it ended (through TTL)
	 * @param unprocessed how bulk reads and writes retry the items DynamoDB left
	 * unprocessed
	 */
	public DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention, Backoff unprocessed) {
		this(dynamoDb, tableName, retention, unprocessed, EventScope.CALLBACKS, JobWatchers.NONE);
	}

	/**
	 * @param retention how long DynamoDB keeps a job after it ended (through TTL)
	 * @param events which ended jobs get a webhook outbox mark with their outcome
	 */
	public DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention, EventScope events) {
		this(dynamoDb, tableName, retention, Backoff.AWS_PARTIAL_FAILURES, events, JobWatchers.NONE);
	}

	/**
	 * @param retention how long DynamoDB keeps a job after it ended (through TTL)
	 * @param events which ended jobs get a webhook outbox mark with their outcome
	 * @param watchers who tells a watched job's watchers that it ended
	 */
	public DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention, EventScope events,
			JobWatchers watchers) {
		this(dynamoDb, tableName, retention, Backoff.AWS_PARTIAL_FAILURES, events, watchers);
	}

	private DynamoDbJobStore(DynamoDbAsyncClient dynamoDb, String tableName, Duration retention, Backoff unprocessed,
			EventScope events, JobWatchers watchers) {
		this.dynamoDb = dynamoDb;
		this.watchers = watchers;
		this.tableName = tableName;
		this.items = new JobItems(retention, events);
		this.unprocessed = unprocessed;
		this.counters = new BatchCounters(dynamoDb, tableName);
	}

	@Override
	public CompletableFuture<Job> create(Job job) {
		return write(job, 1, null, true, "attribute_not_exists(#id)", Map.of("#id", JobTable.KEY), Map.of(),
				(current) -> new JobAlreadyExistsException(job.id()));
	}

	/**
	 * Runs a create's whole path once without storing anything, for a warm-up: the job's
	 * item, the {@code PutItem} and its refusal, under a condition that never holds
	 * (whether a record has the job's ID or not). Costs one write unit.
	 * @return completes once DynamoDB refused the write as expected; fails if it failed
	 * otherwise
	 */
	public CompletableFuture<Void> createNothing(Job job) {
		return Futures.recover(
				write(job, 1, null, true, "attribute_exists(#id) AND attribute_not_exists(#id)",
						Map.of("#id", JobTable.KEY), Map.of(), (current) -> new JobAlreadyExistsException(job.id()))
					.thenApply((written) -> (Void) null),
				(failure) -> (failure instanceof JobAlreadyExistsException) ? CompletableFuture.completedFuture(null)
						: Futures.failed(failure));
	}

	@Override
	public CompletableFuture<Optional<Job>> find(JobId id) {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName).key(JobItems.key(id)).consistentRead(true))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					&& !JobItems.isExpired(response.item(), Instant.now())
							? Optional.of(JobItems.fromItem(response.item())) : Optional.empty());
	}

	@Override
	public CompletableFuture<Job> update(Job job) {
		return write(job, job.version() + 1, job.storedStatus(), false, "#version = :expected",
				Map.of("#version", JobItems.VERSION), Map.of(":expected", JobItems.n(job.version())),
				(current) -> new StaleJobException(job.id(), job.version(), current));
	}

	/**
	 * One {@code UpdateItem} with {@code ReturnValues=ALL_NEW} (so no read first): the
	 * start's state attributes, set from what its condition guarantees of the job (QUEUED
	 * with no attempt yet, so no lease, output or end; in no batch, so no counters; its
	 * history not full, so nothing to trim), the version incremented and the attempt
	 * appended to the history; the time to live, error and input as they are. Refused, it
	 * returns the job as stored ({@code ALL_OLD}). One write unit per KB of the job, as
	 * the start it replaces.
	 */
	@Override
	public CompletableFuture<Job> startFirstAttempt(JobId id, TenantId tenant, Instant now, Duration lease) {
		Map<String, AttributeValue> values = new HashMap<>(START_CONSTANTS);
		values.put(":tenantStatus", JobItems.s(TenantIndexKeys.jobs(tenant, JobStatus.RUNNING, id)));
		values.put(":now", JobItems.instant(now));
		values.put(":lease", JobItems.instant(now.plus(lease)));
		values.put(":attempt", AttemptItems.toList(List.of(JobAttempt.started(1, now))));
		values.put(":tenant", JobItems.s(tenant.value()));
		values.put(":cutoff", JobItems.instant(Job.firstStartCutoff(now)));
		UpdateItemRequest request = UpdateItemRequest.builder()
			.tableName(this.tableName)
			.key(JobItems.key(id))
			.updateExpression("SET #status = :running, #tenantStatus = :tenantStatus, #version = #version + :one, "
					+ "#startedAt = :now, #lease = :lease, #attempts = :one, "
					+ "#history = list_append(if_not_exists(#history, :none), :attempt)")
			// Instants are ISO-8601 text: compared as text to a whole second's (see
			// Job#firstStartCutoff).
			.conditionExpression("#status = :queued AND #attempts = :zero AND #tenant = :tenant "
					+ "AND #deadline > :cutoff AND attribute_not_exists(#batch) "
					+ "AND (attribute_not_exists(#history) OR size(#history) < :maxHistory)")
			.expressionAttributeNames(START_NAMES)
			.expressionAttributeValues(values)
			.returnValues(ReturnValue.ALL_NEW)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
		return Futures.recover(this.dynamoDb.updateItem(request).thenApply((response) -> jobOf(response.attributes())),
				(failure) -> {
					if (failure instanceof ConditionalCheckFailedException conflict) {
						Map<String, AttributeValue> current = conflict.hasItem() ? conflict.item() : null;
						boolean gone = current == null || current.isEmpty() || JobItems.isExpired(current, now);
						return Futures.failed(new StaleJobException(id, 0, gone ? null : jobOf(current)));
					}
					return Futures.failed(failure);
				});
	}

	@Override
	public CompletableFuture<Job> renewLease(Job job) {
		UpdateItemRequest request = UpdateItemRequest.builder()
			.tableName(this.tableName)
			.key(JobItems.key(job.id()))
			.updateExpression("SET #lease = :lease")
			.conditionExpression("#version = :expected AND #status = :running")
			.expressionAttributeNames(Map.of("#lease", JobItems.LEASE_EXPIRES_AT, "#version", JobItems.VERSION,
					"#status", JobItems.STATUS))
			.expressionAttributeValues(Map.of(":lease", JobItems.instant(job.leaseExpiresAt()), ":expected",
					JobItems.n(job.version()), ":running", JobItems.s(JobStatus.RUNNING.name())))
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
			.build();
		return Futures.recover(this.dynamoDb.updateItem(request).thenApply((response) -> job), (failure) -> {
			if (failure instanceof ConditionalCheckFailedException conflict) {
				return Futures.failed(new StaleJobException(job.id(), job.version(),
						jobOf(conflict.hasItem() ? conflict.item() : null)));
			}
			return Futures.failed(failure);
		});
	}

	/**
	 * One {@code UpdateItem} that adds {@code watcher} to the job's watchers if it is
	 * QUEUED or RUNNING; one write unit.
	 */
	@Override
	public CompletableFuture<Boolean> watch(JobId id, String watcher) {
		if (watcher.length() > MAX_WATCHER_LENGTH) {
			return Futures.failed(new IllegalArgumentException(
					"A watcher's address is at most " + MAX_WATCHER_LENGTH + " characters; was " + watcher.length()));
		}
		UpdateItemRequest request = UpdateItemRequest.builder()
			.tableName(this.tableName)
			.key(JobItems.key(id))
			.updateExpression("ADD #watchers :watcher")
			.conditionExpression("attribute_exists(#id) AND #status IN (:queued, :running)")
			.expressionAttributeNames(
					Map.of("#watchers", JobItems.WATCHERS, "#id", JobTable.KEY, "#status", JobItems.STATUS))
			.expressionAttributeValues(Map.of(":watcher", AttributeValue.fromSs(List.of(watcher)), ":queued",
					JobItems.s(JobStatus.QUEUED.name()), ":running", JobItems.s(JobStatus.RUNNING.name())))
			.build();
		return Futures.recover(this.dynamoDb.updateItem(request).thenApply((response) -> true),
				(failure) -> (failure instanceof ConditionalCheckFailedException)
						? CompletableFuture.completedFuture(false) : Futures.failed(failure));
	}

	@Override
	public CompletableFuture<List<Job>> createAll(List<Job> jobs) {
		List<WriteRequest> writes = new ArrayList<>(jobs.size());
		for (Job job : jobs) {
			Map<String, AttributeValue> item = this.items.toItem(job, 1);
			long size = JobItems.size(item);
			if (size > MAX_ITEM_BYTES) {
				return Futures.failed(new JobTooLargeException(job.id(), size, MAX_ITEM_BYTES));
			}
			writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
		}
		List<CompletableFuture<Void>> calls = new ArrayList<>();
		for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE) {
			calls.add(batchWrite(writes.subList(from, Math.min(writes.size(), from + MAX_BATCH_WRITE)), 1));
		}
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
			.thenApply((written) -> jobs.stream().map((job) -> job.withVersion(1)).toList());
	}

	@Override
	public CompletableFuture<Map<JobId, Job>> findAll(List<JobId> ids) {
		List<CompletableFuture<Map<String, Job>>> calls = new ArrayList<>();
		for (int from = 0; from < ids.size(); from += MAX_BATCH_GET) {
			List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(ids.size(), from + MAX_BATCH_GET))
				.stream()
				.distinct()
				.map(JobItems::key)
				.toList();
			calls.add(batchGet(keys, new HashMap<>(), 1));
		}
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply((all) -> {
			Map<String, Job> found = new HashMap<>();
			calls.forEach((call) -> found.putAll(call.join()));
			Map<JobId, Job> jobs = new LinkedHashMap<>();
			for (JobId id : ids) {
				Job job = found.get(id.value());
				if (job != null) {
					jobs.put(id, job);
				}
			}
			return jobs;
		});
	}

	private CompletableFuture<Void> batchWrite(List<WriteRequest> writes, int attempt) {
		return this.dynamoDb.batchWriteItem((request) -> request.requestItems(Map.of(this.tableName, writes)))
			.thenCompose((response) -> {
				List<WriteRequest> left = response.hasUnprocessedItems()
						? response.unprocessedItems().getOrDefault(this.tableName, List.of()) : List.of();
				if (left.isEmpty()) {
					return CompletableFuture.completedFuture(null);
				}
				if (!this.unprocessed.allowsAnotherAttempt(attempt)) {
					return Futures.failed(new IllegalStateException("DynamoDB left " + left.size() + " of "
							+ writes.size() + " job writes unprocessed after " + attempt + " attempts"));
				}
				logger.debug("DynamoDB left {} of {} job writes unprocessed; retrying them", left.size(),
						writes.size());
				return this.unprocessed.after(attempt, () -> batchWrite(List.copyOf(left), attempt + 1));
			});
	}

	private CompletableFuture<Map<String, Job>> batchGet(List<Map<String, AttributeValue>> keys, Map<String, Job> found,
			int attempt) {
		return this.dynamoDb
			.batchGetItem((request) -> request.requestItems(
					Map.of(this.tableName, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())))
			.thenCompose((response) -> {
				Instant now = Instant.now();
				for (Map<String, AttributeValue> item : response.responses().getOrDefault(this.tableName, List.of())) {
					if (JobItems.isExpired(item, now)) {
						continue;
					}
					Job job = JobItems.fromItem(item);
					found.put(job.id().value(), job);
				}
				KeysAndAttributes left = response.hasUnprocessedKeys() ? response.unprocessedKeys().get(this.tableName)
						: null;
				if (left == null || !left.hasKeys() || left.keys().isEmpty()) {
					return CompletableFuture.completedFuture(found);
				}
				if (!this.unprocessed.allowsAnotherAttempt(attempt)) {
					return Futures.failed(new IllegalStateException("DynamoDB left " + left.keys().size()
							+ " job reads unprocessed after " + attempt + " attempts"));
				}
				return this.unprocessed.after(attempt, () -> batchGet(List.copyOf(left.keys()), found, attempt + 1));
			});
	}

	/**
	 * Writes the job under {@code condition}: whole if {@code whole} (a create), its
	 * state attributes alone otherwise; in a transaction with its batch's counters if its
	 * status changes from {@code storedStatus} (a create counts from nothing to QUEUED).
	 * A write that ends the job takes its watchers and tells them: an {@code UpdateItem}
	 * gets them back ({@code UPDATED_OLD}); a transaction, which returns nothing, expects
	 * none and learns them from its failure (see the class's comment).
	 */
	private CompletableFuture<Job> write(Job job, long newVersion, JobStatus storedStatus, boolean whole,
			String condition, Map<String, String> names, Map<String, AttributeValue> values,
			Function<Job, RuntimeException> onConflict) {
		Map<String, AttributeValue> item = this.items.toItem(job, newVersion);
		long size = JobItems.size(item);
		if (size > MAX_ITEM_BYTES) {
			return Futures.failed(new JobTooLargeException(job.id(), size, MAX_ITEM_BYTES));
		}
		boolean ends = !whole && job.isTerminal();
		boolean counted = job.isInBatch() && storedStatus != job.status();
		Function<Set<String>, Change> changes = whole ? (expected) -> Change.put(item, condition, names, values)
				: (expected) -> Change.update(job.id(), this.items.state(job, newVersion), condition, names, values,
						ends, expected);
		return write(job, newVersion, storedStatus, counted, changes, (ends && counted) ? Set.of() : null, onConflict);
	}

	/**
	 * One try of a write; {@code expected}, for a transaction that ends the job, the
	 * watchers it expects to take, else null.
	 */
	private CompletableFuture<Job> write(Job job, long newVersion, JobStatus storedStatus, boolean counted,
			Function<Set<String>, Change> changes, Set<String> expected, Function<Job, RuntimeException> onConflict) {
		Change change = changes.apply(expected);
		CompletableFuture<Set<String>> taken = counted
				? transact(job, change, storedStatus).thenApply((done) -> expected) : write(change);
		return Futures.recover(taken.thenApply((watchers) -> written(job, newVersion, watchers)), (failure) -> {
			Map<String, AttributeValue> current = null;
			boolean conflict = false;
			if (failure instanceof ConditionalCheckFailedException failed) {
				conflict = true;
				current = failed.hasItem() ? failed.item() : null;
			}
			else if (failure instanceof TransactionCanceledException cancelled
					&& Conflicts.failedCondition(cancelled, 0)) {
				conflict = true;
				CancellationReason reason = Conflicts.reason(cancelled, 0);
				current = reason.hasItem() ? reason.item() : null;
			}
			if (conflict) {
				Set<String> watching = (expected != null) ? JobItems.watchers(current, job.version()) : null;
				if (watching != null && !watching.equals(expected)) {
					// Only the watchers differ: some registered meanwhile.
					return write(job, newVersion, storedStatus, true, changes, watching, onConflict);
				}
				return Futures.failed(onConflict.apply(jobOf(current)));
			}
			if (failure instanceof BatchCounters.BatchGoneException) {
				// The batch's counters are gone (deleted by TTL long after its jobs
				// should have ended): the job is written without counting.
				logger.warn("Job {}: its batch {} has no counters any more; writing the job without counting it",
						job.id(), job.batch().batchId());
				return write(changes.apply(null)).thenApply((watchers) -> written(job, newVersion, watchers));
			}
			return Futures.failed(failure);
		});
	}

	private Job written(Job job, long newVersion, Set<String> taken) {
		if (taken != null && !taken.isEmpty()) {
			this.watchers.tell(job.id(), taken);
		}
		return job.withVersion(newVersion);
	}

	/**
	 * One write, tried again while DynamoDB throttles; completes with the watchers it
	 * took (an update that ends the job), else none.
	 */
	private CompletableFuture<Set<String>> write(Change change) {
		return Conflicts.BACKOFF.retry((attempt) -> (change.put() != null)
				? this.dynamoDb.putItem(change.putItemRequest(this.tableName)).thenApply((response) -> Set.<String>of())
				: this.dynamoDb.updateItem(change.updateItemRequest(this.tableName))
					.thenApply((response) -> JobItems.watchers(response.attributes())),
				Conflicts::isRetryable);
	}

	private CompletableFuture<Void> transact(Job job, Change change, JobStatus storedStatus) {
		TransactWriteItem jobWrite = (change.put() != null)
				? TransactWriteItem.builder().put(change.transactPut(this.tableName)).build()
				: TransactWriteItem.builder().update(change.transactUpdate(this.tableName)).build();
		return this.counters.move(jobWrite, job.batch().batchId(), job.batch().seq(), storedStatus, job.status(),
				(job.finishedAt() != null) ? job.finishedAt() : Instant.now());
	}

	/**
	 * One conditional write of a job: a whole item ({@code put}) or an update of its
	 * state attributes ({@code key}, {@code expression}).
	 */
	private record Change(Map<String, AttributeValue> put, Map<String, AttributeValue> key, String expression,
			String condition, Map<String, String> names, Map<String, AttributeValue> values, boolean takesWatchers) {

		static Change put(Map<String, AttributeValue> item, String condition, Map<String, String> names,
				Map<String, AttributeValue> values) {
			return new Change(item, null, null, condition, names, values, false);
		}

		/**
		 * Sets the state attributes {@code state} has and removes the others, so that the
		 * item's state is exactly {@code state}; and, if {@code ends}, removes its
		 * watchers, under a condition on how many there are if {@code expected} is not
		 * null.
		 */
		static Change update(JobId id, Map<String, AttributeValue> state, String condition,
				Map<String, String> conditionNames, Map<String, AttributeValue> conditionValues, boolean ends,
				Set<String> expected) {
			Map<String, String> names = new HashMap<>(conditionNames);
			Map<String, AttributeValue> values = new HashMap<>(conditionValues);
			List<String> set = new ArrayList<>();
			List<String> remove = new ArrayList<>();
			Set<String> present = new HashSet<>(state.keySet());
			for (int i = 0; i < JobItems.STATE.size(); i++) {
				String attribute = JobItems.STATE.get(i);
				names.put("#s" + i, attribute);
				if (present.contains(attribute)) {
					values.put(":s" + i, state.get(attribute));
					set.add("#s" + i + " = :s" + i);
				}
				else {
					remove.add("#s" + i);
				}
			}
			String fullCondition = condition;
			if (ends) {
				names.put("#watchers", JobItems.WATCHERS);
				remove.add("#watchers");
			}
			if (expected != null) {
				// Watchers are only added while the job runs: as many is the same.
				fullCondition = "(" + condition + ") AND "
						+ (expected.isEmpty() ? "attribute_not_exists(#watchers)" : "size(#watchers) = :watchers");
				if (!expected.isEmpty()) {
					values.put(":watchers", JobItems.n(expected.size()));
				}
			}
			String expression = "SET " + String.join(", ", set)
					+ (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
			return new Change(null, JobItems.key(id), expression, fullCondition, names, values, ends);
		}

		PutItemRequest putItemRequest(String tableName) {
			return PutItemRequest.builder()
				.tableName(tableName)
				.item(this.put)
				.conditionExpression(this.condition)
				.expressionAttributeNames(this.names)
				.expressionAttributeValues(this.values.isEmpty() ? null : this.values)
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
				.build();
		}

		UpdateItemRequest updateItemRequest(String tableName) {
			return UpdateItemRequest.builder()
				.tableName(tableName)
				.key(this.key)
				.updateExpression(this.expression)
				.conditionExpression(this.condition)
				.expressionAttributeNames(this.names)
				.expressionAttributeValues(this.values)
				.returnValues(this.takesWatchers ? ReturnValue.UPDATED_OLD : ReturnValue.NONE)
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
				.build();
		}

		Put transactPut(String tableName) {
			return Put.builder()
				.tableName(tableName)
				.item(this.put)
				.conditionExpression(this.condition)
				.expressionAttributeNames(this.names)
				.expressionAttributeValues(this.values.isEmpty() ? null : this.values)
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
				.build();
		}

		Update transactUpdate(String tableName) {
			return Update.builder()
				.tableName(tableName)
				.key(this.key)
				.updateExpression(this.expression)
				.conditionExpression(this.condition)
				.expressionAttributeNames(this.names)
				.expressionAttributeValues(this.values)
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
				.build();
		}

	}

	private static Job jobOf(Map<String, AttributeValue> item) {
		return (item != null && !item.isEmpty()) ? JobItems.fromItem(item) : null;
	}

}
