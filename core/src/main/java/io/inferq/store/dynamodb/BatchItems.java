package io.inferq.store.dynamodb;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * Maps batches to DynamoDB items and back: one item per batch in the jobs table, keyed
 * {@value JobTable#BATCH_KEY_PREFIX}{@code <batchId>}, with a number attribute per
 * counter ({@link #counter(JobStatus)}) that writes {@code ADD} to, and the key of the
 * tenant index ({@link TenantIndexKeys}).
 */
final class BatchItems {

	static final String STATUS = "status";

	static final String TOTAL = "total";

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

	static Map<String, AttributeValue> key(BatchId id) {
		return Map.of(JobTable.KEY, s(JobTable.BATCH_KEY_PREFIX + id.value()));
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
		item.put(TOTAL, n(batch.total()));
		for (JobStatus status : JobStatus.values()) {
			item.put(counter(status), n(batch.counts().of(status)));
		}
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
		item.put(JobTable.TTL_ATTRIBUTE, n(batch.deadline().plus(this.retention).plus(MARGIN).getEpochSecond()));
		return item;
	}

	static Batch fromItem(Map<String, AttributeValue> item) {
		String key = item.get(JobTable.KEY).s();
		BatchCounts counts = new BatchCounts(count(item, JobStatus.QUEUED), count(item, JobStatus.RUNNING),
				count(item, JobStatus.SUCCEEDED), count(item, JobStatus.FAILED), count(item, JobStatus.CANCELLED),
				count(item, JobStatus.EXPIRED));
		Map<String, String> metadata = item.containsKey(METADATA) ? item.get(METADATA)
			.m()
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().s())) : Map.of();
		JobError failure = item.containsKey(FAILURE_TYPE)
				? new JobError(item.get(FAILURE_TYPE).s(), string(item, FAILURE_MESSAGE)) : null;
		AttributeValue lease = item.get(LEASE_EXPIRES_AT);
		return new Batch(new BatchId(key.substring(JobTable.BATCH_KEY_PREFIX.length())),
				TenantId.orDefault(string(item, JobItems.TENANT)), BatchStatus.valueOf(item.get(STATUS).s()),
				number(item, TOTAL), counts, metadata, instant(item, CREATED_AT), instant(item, DEADLINE),
				(lease != null) ? Instant.ofEpochMilli(Long.parseLong(lease.n())) : null, instant(item, ENQUEUED_AT),
				instant(item, ENDED_AT), string(item, FINGERPRINT), failure);
	}

	static AttributeValue millis(Instant time) {
		return n(time.toEpochMilli());
	}

	private static long count(Map<String, AttributeValue> item, JobStatus status) {
		return number(item, counter(status));
	}

	private static long number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? Long.parseLong(value.n()) : 0;
	}

}
