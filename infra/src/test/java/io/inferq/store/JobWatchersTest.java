package io.inferq.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.sqs.SqsJobEndInbox;
import io.inferq.message.sqs.SqsJobWatchers;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.webhook.EventScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watched jobs against DynamoDB Local and ElasticMQ: the write that ends a job tells
 * every watcher registered before it, exactly those, and a watcher that comes after the
 * end is refused; an inbox hears what it is told over SQS.
 */
class JobWatchersTest {

	private static final Instant NOW = Instant.now();

	private static DynamoDbAsyncClient dynamoDb;

	private static SqsAsyncClient sqs;

	private static final Map<JobId, List<Set<String>>> told = new ConcurrentHashMap<>();

	private static JobStore store;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
		store = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7), EventScope.CALLBACKS,
				(id, watchers) -> told.computeIfAbsent(id, (absent) -> new CopyOnWriteArrayList<>()).add(watchers));
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
		sqs.close();
	}

	@Test
	void theWriteThatEndsAJob_tellsItsWatchers_once() {
		Job created = store.create(aQueuedJob()).join();
		assertThat(store.watch(created.id(), "inbox-a").join()).isTrue();
		assertThat(store.watch(created.id(), "inbox-a").join()).isTrue();
		// A status change that does not end the job keeps them.
		Job running = store.update(created.start(NOW, Duration.ofMinutes(5))).join();
		assertThat(store.watch(created.id(), "inbox-b").join()).isTrue();

		store.update(running.cancel(NOW)).join();

		assertThat(told.get(created.id())).containsExactly(Set.of("inbox-a", "inbox-b"));
		assertThat(store.watch(created.id(), "inbox-c").join()).as("a watcher after the end").isFalse();
	}

	@Test
	void aJobNobodyWatches_tellsNobody_andAStaleEndStillFails() {
		Job created = store.create(aQueuedJob()).join();
		store.update(created.cancel(NOW)).join();

		assertThat(told).doesNotContainKey(created.id());
		Job watched = store.create(aQueuedJob()).join();
		store.watch(watched.id(), "inbox-a").join();
		store.update(watched.start(NOW, Duration.ofMinutes(5))).join();
		assertThat(store.update(watched.cancel(NOW))).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(StaleJobException.class);
		assertThat(told).doesNotContainKey(watched.id());
	}

	@Test
	void anAbsentJob_cannotBeWatched() {
		assertThat(store.watch(JobId.random(), "inbox-a").join()).isFalse();
	}

	@Test
	void anInbox_hearsTheEndsOfTheJobsItWatches_overSqs() throws Exception {
		JobStore told = new DynamoDbJobStore(dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(7), EventScope.CALLBACKS,
				new SqsJobWatchers(sqs, "watchers-test"));
		try (SqsJobEndInbox inbox = SqsJobEndInbox.create(sqs, "watchers-test").join()) {
			List<JobId> heard = new CopyOnWriteArrayList<>();
			inbox.open(heard::addAll);
			Job first = told.create(aQueuedJob()).join();
			Job second = told.create(aQueuedJob()).join();
			assertThat(told.watch(first.id(), inbox.address()).join()).isTrue();
			assertThat(told.watch(second.id(), inbox.address()).join()).isTrue();

			told.update(first.cancel(NOW)).join();
			told.update(second.cancel(NOW)).join();

			await().atMost(Duration.ofSeconds(5)).until(() -> Set.copyOf(heard).size() == 2);
			assertThat(heard).contains(first.id(), second.id());
		}
	}

	private static Job aQueuedJob() {
		return Job.submit(JobId.random(), Payload.json("{\"prompt\":\"hi\"}"), "application/json", Map.of(), NOW,
				Duration.ofHours(1));
	}

}
