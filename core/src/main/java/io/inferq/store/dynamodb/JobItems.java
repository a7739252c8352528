package io.inferq.store.dynamodb;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.EventScope;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Maps jobs to DynamoDB items and back. One item per job, keyed by {@value JobTable#KEY},
 * with the keys of both tenant indexes ({@link TenantIndexKeys}). An item without a
 * tenant (stored before tenants existed) belongs to the default tenant.
 */
final class JobItems {

	static final String STATUS = "status";

	static final String TENANT = "tenant";

	static final String VERSION = "version";

	/**
	 * The addresses to tell when the job ends (a string set; see
	 * {@link DynamoDbJobStore#watch}); not part of the job.
	 */
	static final String WATCHERS = "watchers";

	private static final String INPUT = "input";

	private static final String INPUT_TYPE = "inputType";

	private static final String INPUT_REF = "inputRef";

	private static final String ACCEPT = "accept";

	private static final String METADATA = "metadata";

	private static final String CREATED_AT = "createdAt";

	static final String STARTED_AT = "startedAt";

	private static final String FINISHED_AT = "finishedAt";

	static final String DEADLINE = "deadline";

	static final String LEASE_EXPIRES_AT = "leaseExpiresAt";

	static final String ATTEMPTS = "attempts";

	private static final String OUTPUT = "output";

	private static final String OUTPUT_TYPE = "outputType";

	private static final String OUTPUT_REF = "outputRef";

	private static final String ERROR_TYPE = "errorType";

	private static final String ERROR_MESSAGE = "errorMessage";

	static final String BATCH_ID = "batchId";

	private static final String BATCH_SEQ = "batchSeq";

	private static final String CUSTOM_ID = "customId";

	private static final String CALLBACK = "callback";

	static final String HISTORY = "history";

	/**
	 * The attributes a change of state writes; the rest (the input, the request, the
	 * batch) are written once, when the job is created.
	 */
	static final List<String> STATE = List.of(STATUS, VERSION, STARTED_AT, FINISHED_AT, LEASE_EXPIRES_AT, ATTEMPTS,
			OUTPUT, OUTPUT_TYPE, OUTPUT_REF, ERROR_TYPE, ERROR_MESSAGE, HISTORY, JobTable.TTL_ATTRIBUTE,
			JobTable.TENANT_STATUS_SHARD, JobTable.OUTBOX, JobTable.OUTBOX_AT);

	private static final String REF_BUCKET = "bucket";

	private static final String REF_KEY = "key";

	private static final String REF_SIZE = "size";

	private static final String REF_SHA256 = "sha256";

	private static final String REF_OWNED = "owned";

	private final Duration retention;

	private final EventScope events;

	/**
	 * @param retention how long after it ends (or, unstarted, after its deadline)
	 * DynamoDB may delete a job
	 * @param events which ended jobs get an outbox mark
	 */
	JobItems(Duration retention, EventScope events) {
		this.retention = retention;
		this.events = events;
	}

	static Map<String, AttributeValue> key(JobId id) {
		return Map.of(JobTable.KEY, s(id.value()));
	}

	Map<String, AttributeValue> toItem(Job job, long version) {
		Map<String, AttributeValue> item = new HashMap<>();
		item.put(JobTable.KEY, s(job.id().value()));
		item.put(TENANT, s(job.tenant().value()));
		item.put(JobTable.TENANT_SHARD, s(TenantIndexKeys.jobs(job.tenant(), job.id())));
		item.put(JobTable.LIST_KEY, s(JobTable.listKey(job.createdAt(), job.id().value())));
		putPayload(item, INPUT, INPUT_TYPE, INPUT_REF, job.input());
		putIfPresent(item, ACCEPT, job.accept());
		if (!job.metadata().isEmpty()) {
			item.put(METADATA,
					AttributeValue.fromM(job.metadata()
						.entrySet()
						.stream()
						.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> s(entry.getValue())))));
		}
		item.put(CREATED_AT, instant(job.createdAt()));
		item.put(DEADLINE, instant(job.deadline()));
		if (job.batch() != null) {
			item.put(BATCH_ID, s(job.batch().batchId().value()));
			item.put(BATCH_SEQ, n(job.batch().seq()));
			item.put(CUSTOM_ID, s(job.batch().customId()));
		}
		putIfPresent(item, CALLBACK, job.callback());
		item.putAll(state(job, version));
		return item;
	}

	/**
	 * The attributes of {@link #STATE} the job has at {@code version}; those it lacks are
	 * absent.
	 */
	Map<String, AttributeValue> state(Job job, long version) {
		Map<String, AttributeValue> item = new HashMap<>();
		item.put(STATUS, s(job.status().name()));
		// The tenant-status index's key moves with the status.
		item.put(JobTable.TENANT_STATUS_SHARD, s(TenantIndexKeys.jobs(job.tenant(), job.status(), job.id())));
		item.put(VERSION, n(version));
		putIfPresent(item, STARTED_AT, job.startedAt());
		putIfPresent(item, FINISHED_AT, job.finishedAt());
		putIfPresent(item, LEASE_EXPIRES_AT, job.leaseExpiresAt());
		item.put(ATTEMPTS, n(job.attempts()));
		if (job.output() != null) {
			putPayload(item, OUTPUT, OUTPUT_TYPE, OUTPUT_REF, job.output());
		}
		if (job.error() != null) {
			item.put(ERROR_TYPE, s(job.error().type()));
			item.put(ERROR_MESSAGE, s(job.error().message()));
		}
		if (!job.history().isEmpty()) {
			item.put(HISTORY, AttemptItems.toList(job.history()));
		}
		item.put(JobTable.TTL_ATTRIBUTE, n(deleteAfter(job).getEpochSecond()));
		if (this.events.owesEvent(job)) {
			// The webhook outbox mark, in the same write as the outcome: the event is
			// owed until a relay queued it and removed the mark.
			item.put(JobTable.OUTBOX, s(JobTable.outboxShard(job.id().value())));
			item.put(JobTable.OUTBOX_AT, s(JobTable.listKey(job.finishedAt(), job.id().value())));
		}
		return item;
	}

	/** When DynamoDB may delete the job, and after which it reads as gone. */
	private Instant deleteAfter(Job job) {
		return ((job.finishedAt() != null) ? job.finishedAt() : job.deadline()).plus(this.retention);
	}

	/** Whether the item is past its retention: DynamoDB's TTL deletes late, if at all. */
	/**
	 * The watchers of a stored job if it is at {@code version} (none if it has no
	 * watchers attribute), or null if it is at another version or not stored.
	 */
	static Set<String> watchers(Map<String, AttributeValue> item, long version) {
		if (item == null || item.isEmpty() || !item.containsKey(VERSION)
				|| Long.parseLong(item.get(VERSION).n()) != version) {
			return null;
		}
		return watchers(item);
	}

	/** The watchers among some attributes of a job, none if there are none. */
	static Set<String> watchers(Map<String, AttributeValue> attributes) {
		AttributeValue watchers = (attributes != null) ? attributes.get(WATCHERS) : null;
		return (watchers != null && watchers.hasSs()) ? Set.copyOf(watchers.ss()) : Set.of();
	}

	static boolean isExpired(Map<String, AttributeValue> item, Instant now) {
		AttributeValue ttl = item.get(JobTable.TTL_ATTRIBUTE);
		return ttl != null && ttl.n() != null && Long.parseLong(ttl.n()) < now.getEpochSecond();
	}

	private static void putPayload(Map<String, AttributeValue> item, String bytes, String type, String ref,
			Payload payload) {
		item.put(type, s(payload.contentType()));
		if (!payload.isStored()) {
			item.put(bytes, b(payload.bytes()));
			return;
		}
		PayloadRef stored = payload.ref();
		Map<String, AttributeValue> attributes = new HashMap<>();
		attributes.put(REF_BUCKET, s(stored.bucket()));
		attributes.put(REF_KEY, s(stored.key()));
		attributes.put(REF_SIZE, n(stored.size()));
		attributes.put(REF_OWNED, AttributeValue.fromBool(stored.owned()));
		if (stored.sha256() != null) {
			attributes.put(REF_SHA256, s(stored.sha256()));
		}
		item.put(ref, AttributeValue.fromM(attributes));
	}

	private static Payload payload(Map<String, AttributeValue> item, String bytes, String type, String ref) {
		if (item.containsKey(ref)) {
			Map<String, AttributeValue> stored = item.get(ref).m();
			return Payload.stored(new PayloadRef(stored.get(REF_BUCKET).s(), stored.get(REF_KEY).s(),
					Long.parseLong(stored.get(REF_SIZE).n()), string(stored, REF_SHA256), stored.get(REF_OWNED).bool()),
					item.get(type).s());
		}
		return item.containsKey(bytes) ? new Payload(item.get(bytes).b().asByteArray(), item.get(type).s()) : null;
	}

	static Job fromItem(Map<String, AttributeValue> item) {
		Payload output = payload(item, OUTPUT, OUTPUT_TYPE, OUTPUT_REF);
		JobError error = item.containsKey(ERROR_TYPE)
				? new JobError(item.get(ERROR_TYPE).s(), string(item, ERROR_MESSAGE)) : null;
		Map<String, String> metadata = item.containsKey(METADATA) ? item.get(METADATA)
			.m()
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().s())) : Map.of();
		BatchItem batch = item.containsKey(BATCH_ID) ? new BatchItem(new BatchId(item.get(BATCH_ID).s()),
				Long.parseLong(item.get(BATCH_SEQ).n()), item.get(CUSTOM_ID).s()) : null;
		JobStatus status = JobStatus.valueOf(item.get(STATUS).s());
		return new Job(new JobId(item.get(JobTable.KEY).s()), TenantId.orDefault(string(item, TENANT)), status,
				Long.parseLong(item.get(VERSION).n()), payload(item, INPUT, INPUT_TYPE, INPUT_REF),
				string(item, ACCEPT), metadata, instant(item, CREATED_AT), instant(item, STARTED_AT),
				instant(item, FINISHED_AT), instant(item, DEADLINE), instant(item, LEASE_EXPIRES_AT),
				Integer.parseInt(item.get(ATTEMPTS).n()), output, error, batch, status,
				item.containsKey(CALLBACK) ? URI.create(item.get(CALLBACK).s()) : null,
				AttemptItems.fromList(item.get(HISTORY)));
	}

	/**
	 * The item's size as DynamoDB counts it against its 400 KB limit: attribute names
	 * plus values, with a little allowance per number and map entry so the estimate never
	 * falls short.
	 */
	static long size(Map<String, AttributeValue> item) {
		long size = 0;
		for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
			size += utf8Length(attribute.getKey()) + size(attribute.getValue());
		}
		return size;
	}

	private static long size(AttributeValue value) {
		if (value.s() != null) {
			return utf8Length(value.s());
		}
		if (value.n() != null) {
			return value.n().length() / 2 + 2;
		}
		if (value.b() != null) {
			return value.b().asByteArray().length;
		}
		if (value.hasM()) {
			return 3 + value.m()
				.entrySet()
				.stream()
				.mapToLong((entry) -> 1 + utf8Length(entry.getKey()) + size(entry.getValue()))
				.sum();
		}
		return 1;
	}

	private static long utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	private static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
		if (value instanceof Instant time) {
			item.put(name, instant(time));
		}
		else if (value != null) {
			item.put(name, s(value.toString()));
		}
	}

	static String string(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null) ? value.s() : null;
	}

	static Instant instant(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null) ? Instant.parse(value.s()) : null;
	}

	static AttributeValue instant(Instant time) {
		return s(time.toString());
	}

	static AttributeValue s(String value) {
		return AttributeValue.fromS(value);
	}

	static AttributeValue n(long value) {
		return AttributeValue.fromN(Long.toString(value));
	}

	private static AttributeValue b(byte[] value) {
		return AttributeValue.fromB(SdkBytes.fromByteArray(value));
	}

}
