package io.inferq.store.dynamodb;

import io.inferq.batch.BatchId;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.tenant.TenantId;

/**
 * The partition keys of the tenant indexes (see {@link JobTable}): one per kind of
 * record, tenant and shard, and for jobs one more per status.
 */
final class TenantIndexKeys {

	/** The one partition of API keys in {@value JobTable#TENANT_INDEX}: keys are few. */
	static final String API_KEYS = "apikey#all";

	private TenantIndexKeys() {
	}

	static String jobs(TenantId tenant, JobId id) {
		return jobs(tenant, JobTable.shardOf(id.value()));
	}

	static String jobs(TenantId tenant, int shard) {
		return "job#" + tenant.value() + "#" + shard;
	}

	static String jobs(TenantId tenant, JobStatus status, JobId id) {
		return jobs(tenant, status, JobTable.shardOf(id.value()));
	}

	static String jobs(TenantId tenant, JobStatus status, int shard) {
		return "job#" + tenant.value() + "#" + status.name() + "#" + shard;
	}

	static String batches(TenantId tenant, BatchId id) {
		return batches(tenant, JobTable.shardOf(id.value()));
	}

	static String batches(TenantId tenant, int shard) {
		return "batch#" + tenant.value() + "#" + shard;
	}

	/** The ID in a {@value JobTable#LIST_KEY}. */
	static String idOf(String listKey) {
		return listKey.substring(listKey.indexOf('#') + 1);
	}

}
