package io.inferq.worker.webhooks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.net.httpserver.HttpServer;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import io.inferq.batch.Batch;
import io.inferq.batch.BatchId;
import io.inferq.batch.BatchItem;
import io.inferq.batch.BatchStatus;
import io.inferq.infra.local.LocalAws;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.Payload;
import io.inferq.store.BatchStore;
import io.inferq.store.JobStore;
import io.inferq.store.dynamodb.DynamoDbBatchStore;
import io.inferq.store.dynamodb.DynamoDbJobStore;
import io.inferq.store.dynamodb.DynamoDbWebhookOutbox;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.tenant.TenantId;
import io.inferq.webhook.TenantWebhooks.TenantWebhook;
import io.inferq.webhook.WebhookMessage;
import io.inferq.webhook.WebhookMessageCodec;
import io.inferq.webhook.WebhookSignature;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener's look at a batch, on DynamoDB Local and a receiver on 127.0.0.1: a batch
 * whose jobs all ended before its ingest did is completed by the end of the ingest, with
 * no job's end after it; the look that found it still ENQUEUEING comes back later and
 * sends {@code batch.completed} then. Budget: about 2 s.
 */
class WebhookListenerTest {

	private static final TenantId TENANT = new TenantId("acme");

	private static final String SECRET = WebhookSignature.newSecret();

	private final List<String> received = new CopyOnWriteArrayList<>();

	private HttpServer receiver;

	private DynamoDbAsyncClient dynamoDb;

	private WebhookDeliverer deliverer;

	@BeforeEach
	void start() throws Exception {
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/", (exchange) -> {
			this.received.add(new String(exchange.getRequestBody().readAllBytes()));
			exchange.sendResponseHeaders(204, -1);
			exchange.close();
		});
		this.receiver.start();
		LocalAws aws = LocalAws.shared();
		this.dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		JobTable.createIfAbsent(this.dynamoDb, JobTable.DEFAULT_NAME).join();
	}

	@AfterEach
	void stop() throws Exception {
		this.receiver.stop(0);
		if (this.deliverer != null) {
			this.deliverer.close();
		}
		this.dynamoDb.close();
	}

	@Test
	void aBatchCompletedByTheEndOfItsIngest_shouldGetItsEvent_fromALookTriedAgain() {
		JobStore jobs = new DynamoDbJobStore(this.dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(1));
		BatchStore batches = new DynamoDbBatchStore(this.dynamoDb, JobTable.DEFAULT_NAME, Duration.ofDays(1));
		Instant now = Instant.now();
		Batch batch = batches
			.create(Batch.start(TENANT, BatchId.random(), Map.of(), now, Duration.ofHours(1), Duration.ofSeconds(60)))
			.join();
		List<Job> created = jobs
			.createAll(IntStream.range(0, 2)
				.mapToObj((seq) -> Job.submitInBatch(TENANT, new BatchItem(batch.id(), seq, "item-" + seq),
						Payload.json("{}"), null, Map.of(), now, Duration.ofHours(1)))
				.toList())
			.join();
		batches.addJobs(batch, 0, 2).join();
		created.forEach((job) -> jobs.update(job.fail(new JobError("ModelError", "no"), now)).join());
		WebhookListener listener = listener(batches);
		URI callback = URI.create("http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/hook");
		String check = WebhookMessageCodec.encode(WebhookMessage.checkBatch(TENANT, callback, batch.id()));

		Outcome whileEnqueueing = deliver(listener, check);
		assertThat(batches.markEnqueued(batch.id(), null, 2, now).join().status()).isEqualTo(BatchStatus.COMPLETED);
		Outcome once = deliver(listener, check);

		assertThat(whileEnqueueing.acknowledged).as("kept to look again").hasValue(0);
		assertThat(whileEnqueueing.visibilitySeconds).hasValue(5);
		assertThat(once.acknowledged).hasValue(1);
		assertThat(this.received).singleElement()
			.satisfies((body) -> assertThat(body).contains("\"batch.completed\"").contains(batch.id().value()));
	}

	private WebhookListener listener(BatchStore batches) {
		WebhookProperties properties = new WebhookProperties("q", "dlq", List.of("127.0.0.1/32"), Duration.ofSeconds(2),
				4, Duration.ofSeconds(5), Duration.ofMinutes(15), Duration.ofSeconds(10), Duration.ofSeconds(5), 0);
		this.deliverer = new WebhookDeliverer(properties.addressPolicy(), Duration.ofSeconds(2), 4, Clock.systemUTC());
		AsyncLoadingCache<TenantId, TenantWebhook> secrets = Caffeine.newBuilder()
			.buildAsync((tenant) -> new TenantWebhook(tenant, SECRET, null));
		return new WebhookListener(this.deliverer, (tenant, event) -> CompletableFuture.completedFuture(false), secrets,
				batches, new DynamoDbWebhookOutbox(this.dynamoDb, JobTable.DEFAULT_NAME), properties, Clock.systemUTC(),
				new SimpleMeterRegistry());
	}

	private static Outcome deliver(WebhookListener listener, String body) {
		Outcome outcome = new Outcome();
		listener.onMessage(body, outcome, outcome, 1, "message-1").join();
		return outcome;
	}

	/** What the listener did with a message. */
	private static final class Outcome implements Acknowledgement, Visibility {

		final AtomicInteger acknowledged = new AtomicInteger();

		final AtomicInteger visibilitySeconds = new AtomicInteger(-1);

		@Override
		public void acknowledge() {
			this.acknowledged.incrementAndGet();
		}

		@Override
		public CompletableFuture<Void> acknowledgeAsync() {
			acknowledge();
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> changeToAsync(int seconds) {
			this.visibilitySeconds.set(seconds);
			return CompletableFuture.completedFuture(null);
		}

	}

}
