package io.inferq.store.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchStatus;
import io.inferq.job.JobError;
import io.inferq.job.JobStatus;
import io.inferq.tenant.TenantId;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import static io.inferq.store.dynamodb.JobItems.instant;
import static io.inferq.store.dynamodb.JobItems.n;
import static io.inferq.store.dynamodb.JobItems.s;
import static io.inferq.store.dynamodb.JobItems.string;

/**
 * Maps batches to DynamoDB items and back: one record per batch in the jobs table, keyed
 * {@value JobTable#BATCH_KEY_PREFIX}{@code <batchId>}, with its status and the key of the
 * tenant index ({@link TenantIndexKeys}); and its counters spread over {@link #SHARDS}
 * shard items, keyed {@code <record key>#shard#<k>}, one for the jobs whose position in
 * the batch is {@code k} modulo {@link #SHARDS}, so that no single item takes every
 * change of a large batch's jobs. A shard has a number attribute per counter
 * ({@link #counter(JobStatus)}), its {@link #TOTAL} and its jobs not ended yet
 * ({@link #REMAINING}), which writes {@code ADD} to. The record counts the shards whose
 * jobs have not all ended ({@link #SHARDS_LEFT}).
 */
final class BatchItems {

	static final String STATUS = "status";

	static final String TOTAL = "total";

	/**
	 * How many shards a batch's counters are spread over: at 16, a batch whose jobs
	 * change 3,000 times a second writes each shard under 200 times a second.
	 */
	static final int SHARDS = 16;

	/** On the record: the shards its counters are spread over. */
	static final String SHARD_COUNT = "shards";

	/**
	 * On the record: the shards whose jobs have not all ended, the never used ones
	 * included until the batch is enqueued; zero once every job has ended.
	 */
	static final String SHARDS_LEFT = "shardsLeft";

	/** On a shard: its jobs that have not ended. */
	static final String REMAINING = "remaining";

	/** Epoch milliseconds, a number, so that conditions can compare it with now. */
	static final String LEASE_EXPIRES_AT = "leaseExpiresAt";

	static final String ENQUEUED_AT = "enqueuedAt";

	static final String ENDED_AT = "endedAt";

	static final String FINGERPRINT = "fingerprint";

	static final String FAILURE_TYPE = "failureType";

	static final String FAILURE_MESSAGE = "failureMessage";

	private static final String METADATA = "metadata";

	private static final String CREATED_AT = "createdAt";

	private static final String DEADLINE = "deadline";

	/**
	 * How long past its deadline a batch outlives its jobs' retention: jobs created late
	 * in a long ingest, or running at their deadline, end after it.
	 */
	private static final Duration MARGIN = Duration.ofDays(1);

	private final Duration retention;

	BatchItems(Duration retention) {
		this.retention = retention;
	}

	/** Epoch seconds after which DynamoDB deletes a batch's items. */
	long expiresAt(Batch batch) {
		return batch.deadline().plus(this.retention).plus(MARGIN).getEpochSecond();
	}

	static Map<String, AttributeValue> key(BatchId id) {
		return Map.of(JobTable.KEY, s(JobTable.BATCH_KEY_PREFIX + id.value()));
	}

	/** The key of shard {@code shard} of the batch's counters. */
	static Map<String, AttributeValue> shardKey(BatchId id, int shard) {
		return Map.of(JobTable.KEY, s(JobTable.BATCH_KEY_PREFIX + id.value() + "#shard#" + shard));
	}

	/** The shard that counts the job at {@code seq} in its batch. */
	static int shardOf(long seq) {
		return (int) (seq % SHARDS);
	}

	/**
	 * The one place the end of an IN_PROGRESS batch whose jobs have all ended is written:
	 * the {@code SET} clauses that make it COMPLETED at {@code now}, whose names and
	 * values are added to {@code names} and {@code values}. Whoever completes a batch
	 * (the last job's transaction, or the end of its ingest if its jobs ended first)
	 * writes exactly these.
	 */
	static String completion(Instant now, Map<String, String> names, Map<String, AttributeValue> values) {
		names.put("#status", STATUS);
		names.put("#endedAt", ENDED_AT);
		values.put(":completed", s(BatchStatus.COMPLETED.name()));
		values.put(":endedAt", instant(now));
		return "#status = :completed, #endedAt = :endedAt";
	}

	/** The counter attribute of {@code status}, for example {@code countQUEUED}. */
	static String counter(JobStatus status) {
		return "count" + status.name();
	}

	Map<String, AttributeValue> toItem(Batch batch) {
		Map<String, AttributeValue> item = new HashMap<>(key(batch.id()));
		item.put(JobItems.TENANT, s(batch.tenant().value()));
		item.put(JobTable.TENANT_SHARD, s(TenantIndexKeys.batches(batch.tenant(), batch.id())));
		item.put(JobTable.LIST_KEY, s(JobTable.listKey(batch.createdAt(), batch.id().value())));
		item.put(STATUS, s(batch.status().name()));
		item.put(SHARD_COUNT, n(SHARDS));
		item.put(SHARDS_LEFT, n(SHARDS));
		if (!batch.metadata().isEmpty()) {
			item.put(METADATA,
					AttributeValue.fromM(batch.metadata()
						.entrySet()
						.stream()
						.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> s(entry.getValue())))));
		}
		item.put(CREATED_AT, instant(batch.createdAt()));
		item.put(DEADLINE, instant(batch.deadline()));
		if (batch.leaseExpiresAt() != null) {
			item.put(LEASE_EXPIRES_AT, millis(batch.leaseExpiresAt()));
		}
		item.put(JobTable.TTL_ATTRIBUTE, n(expiresAt(batch)));
		return item;
	}

	/** The batch of a record alone, without counts: for writes that return the record. */
	static Batch fromItem(Map<String, AttributeValue> item) {
		return fromItems(item, List.of());
	}

	/**
	 * The batch of its record and its shards, counts summed over the shards. A record
	 * without shards (written before counters were sharded) has its counters on it.
	 */
	static Batch fromItems(Map<String, AttributeValue> item, List<Map<String, AttributeValue>> shards) {
		String key = item.get(JobTable.KEY).s();
		List<Map<String, AttributeValue>> counted = item.containsKey(SHARD_COUNT) ? shards : List.of(item);
		long[] sums = new long[JobStatus.values().length];
		long total = 0;
		for (Map<String, AttributeValue> shard : counted) {
			for (JobStatus status : JobStatus.values()) {
				sums[status.ordinal()] += count(shard, status);
			}
			total += number(shard, TOTAL);
		}
		BatchCounts counts = new BatchCounts(sums[JobStatus.QUEUED.ordinal()], sums[JobStatus.RUNNING.ordinal()],
				sums[JobStatus.SUCCEEDED.ordinal()], sums[JobStatus.FAILED.ordinal()],
				sums[JobStatus.CANCELLED.ordinal()], sums[JobStatus.EXPIRED.ordinal()]);
		Map<String, String> metadata = item.containsKey(METADATA) ? item.get(METADATA)
			.m()
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().s())) : Map.of();
		JobError failure = item.containsKey(FAILURE_TYPE)
				? new JobError(item.get(FAILURE_TYPE).s(), string(item, FAILURE_MESSAGE)) : null;
		AttributeValue lease = item.get(LEASE_EXPIRES_AT);
		return new Batch(new BatchId(key.substring(JobTable.BATCH_KEY_PREFIX.length())),
				TenantId.orDefault(string(item, JobItems.TENANT)), BatchStatus.valueOf(item.get(STATUS).s()), total,
				counts, metadata, instant(item, CREATED_AT), instant(item, DEADLINE),
				(lease != null) ? Instant.ofEpochMilli(Long.parseLong(lease.n())) : null, instant(item, ENQUEUED_AT),
				instant(item, ENDED_AT), string(item, FINGERPRINT), failure);
	}

	/**
	 * Whether {@code shards} were read before the transaction that completed
	 * {@code record}: it is COMPLETED, and a shard still has jobs that have not ended.
	 */
	static boolean lagging(Map<String, AttributeValue> record, Collection<Map<String, AttributeValue>> shards) {
		return BatchStatus.COMPLETED.name().equals(string(record, STATUS))
				&& shards.stream().anyMatch((shard) -> number(shard, REMAINING) > 0);
	}

	static AttributeValue millis(Instant time) {
		return n(time.toEpochMilli());
	}

	private static long count(Map<String, AttributeValue> item, JobStatus status) {
		return number(item, counter(status));
	}

	static long number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? Long.parseLong(value.n()) : 0;
	}

}
