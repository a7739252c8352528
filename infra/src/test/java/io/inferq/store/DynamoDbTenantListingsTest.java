package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.JobStatus;
import io.inferq.job.Payload;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.DynamoDbTenantListings;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's {@link DynamoDbTenantListings} against DynamoDB Local: a tenant's own records,
 * newest first, across the index's shards, a page at a time. Each test has tenants of its
 * own, so the shared table's other records never show.
 */
class DynamoDbTenantListingsTest {

	private static final Instant NOW = Instant.now();

	private static DynamoDbAsyncClient dynamoDb;

	private static JobStore jobs;

	private static BatchStore batches;

	private static TenantListings listings;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		jobs = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		batches = new DynamoDbBatchStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7));
		listings = new DynamoDbTenantListings(dynamoDb, JobTable.DEFAULT_NAME);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Test
	void jobs_shouldListOnlyTheTenantsOwnNewestFirstAcrossPages() {
		TenantId acme = aTenant();
		TenantId globex = aTenant();
		List<JobId> acmeJobs = submit(acme, 23);
		submit(globex, 5);

		List<JobId> listed = new ArrayList<>();
		List<Integer> pageSizes = new ArrayList<>();
		String cursor = null;
		do {
			Listing<JobId> page = listings.jobs(acme, null, 5, cursor).join();
			listed.addAll(page.items());
			pageSizes.add(page.items().size());
			cursor = page.next();
		}
		while (cursor != null);

		assertThat(listed).containsExactlyElementsOf(newestFirst(acmeJobs));
		assertThat(pageSizes.subList(0, 4)).containsOnly(5);
		assertThat(listings.jobs(globex, null, 100, null).join().items()).hasSize(5)
			.doesNotContainAnyElementsOf(acmeJobs);
	}

	@Test
	void jobs_shouldListByStoredStatus_andFollowAStatusChange() {
		TenantId tenant = aTenant();
		List<JobId> ids = submit(tenant, 6);
		Job started = jobs.find(ids.get(2)).join().orElseThrow();
		jobs.update(started.start(NOW, Duration.ofMinutes(1))).join();

		assertThat(listings.jobs(tenant, JobStatus.RUNNING, 10, null).join().items()).containsExactly(ids.get(2));
		assertThat(listings.jobs(tenant, JobStatus.QUEUED, 10, null).join().items()).hasSize(5)
			.doesNotContain(ids.get(2));
		assertThat(listings.jobs(tenant, null, 10, null).join().items()).hasSize(6);
	}

	@Test
	void countJobs_shouldCountTheTenantsJobsInAStatus_upToTheBound() {
		TenantId tenant = aTenant();
		submit(tenant, 12);
		submit(aTenant(), 3);

		assertThat(listings.countJobs(tenant, JobStatus.QUEUED, 100).join()).isEqualTo(12);
		assertThat(listings.countJobs(tenant, JobStatus.QUEUED, 7).join()).isEqualTo(7);
		assertThat(listings.countJobs(tenant, JobStatus.RUNNING, 100).join()).isZero();
	}

	@Test
	void batches_shouldListOnlyTheTenantsOwnNewestFirst() {
		TenantId tenant = aTenant();
		List<BatchId> created = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Batch batch = Batch.start(tenant, BatchId.random(), Map.of(), NOW.plusMillis(i), Duration.ofHours(1),
					Duration.ofMinutes(1));
			batches.create(batch).join();
			created.add(batch.id());
		}
		batches
			.create(Batch.start(aTenant(), BatchId.random(), Map.of(), NOW, Duration.ofHours(1), Duration.ofMinutes(1)))
			.join();

		Listing<BatchId> first = listings.batches(tenant, 3, null).join();
		Listing<BatchId> second = listings.batches(tenant, 3, first.next()).join();

		assertThat(first.items()).containsExactlyElementsOf(newestFirst(created).subList(0, 3));
		assertThat(second.items()).containsExactly(created.get(0));
		assertThat(second.next()).isNull();
	}

	private static List<JobId> submit(TenantId tenant, int count) {
		return IntStream.range(0, count).mapToObj((i) -> {
			Job job = Job.submit(tenant, JobId.random(), Payload.json("{}"), null, Map.of(), NOW.plusMillis(i),
					Duration.ofHours(1));
			jobs.create(job).join();
			return job.id();
		}).toList();
	}

	private static <T> List<T> newestFirst(List<T> oldestFirst) {
		List<T> reversed = new ArrayList<>(oldestFirst);
		Collections.reverse(reversed);
		return reversed;
	}

	private static TenantId aTenant() {
		return new TenantId("t-" + UUID.randomUUID());
	}

}
