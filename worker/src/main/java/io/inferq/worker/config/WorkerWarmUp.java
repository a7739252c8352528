package io.inferq.worker.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.inferq.concurrent.Futures;
import io.inferq.config.AwsWarmUp;
import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.message.JobMessage;
import io.inferq.message.JobMessageCodec;
import io.inferq.store.JobStore;
import io.inferq.store.StaleJobException;
import io.inferq.worker.inference.InferenceClient;
import io.inferq.worker.inference.InferenceException;
import io.inferq.worker.inference.SendGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Warms the worker up before its queue listeners start and before it reports ready: the
 * AWS clients' connections ({@link AwsWarmUp}), the job store's read path on a job that
 * does not exist, the message codec and the job's state machine in memory, and an
 * invocation held back by its {@link SendGate} (built, signed and refused in the
 * SageMaker client's {@code beforeTransmission}). The SageMaker endpoint is never called:
 * a warm-up must not reach a real model.
 * <p>
 * A lifecycle phase before the listener containers' (whose registry starts last), so the
 * first message received meets warm clients; a warm-up that fails is logged and the
 * worker starts anyway (its listeners retry an unreachable SQS by themselves).
 */
class WorkerWarmUp implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(WorkerWarmUp.class);

	/** Before the web server (readiness) and the listener containers. */
	static final int PHASE = Integer.MAX_VALUE - 4096;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final AwsWarmUp aws;

	private final JobStore store;

	private final InferenceClient inference;

	private final int rounds;

	private volatile boolean running;

	/**
	 * @param rounds how many times each path runs ({@link AwsWarmUp#DEFAULT_ROUNDS})
	 */
	WorkerWarmUp(AwsWarmUp aws, JobStore store, InferenceClient inference, int rounds) {
		this.aws = aws;
		this.store = store;
		this.inference = inference;
		this.rounds = rounds;
	}

	@Override
	public void start() {
		long started = System.nanoTime();
		this.aws.run(this.rounds, TIMEOUT);
		try {
			for (int round = 0; round < this.rounds; round++) {
				this.store.find(JobId.random()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
				Job running = inMemory();
				// A job's starts and end as the runner writes them, on a job never
				// stored: each conditional update is refused, nothing is written.
				refused(this.store.startFirstAttempt(running.id(), running.tenant(), Instant.now(),
						Duration.ofSeconds(30)));
				refused(this.store.update(running));
				refused(this.store.update(running.succeed(running.input(), Instant.now())));
				heldBack(this.inference.invoke(running.input(), running.accept(), () -> false));
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("The job store could not be warmed up: {}", ex.toString());
		}
		logger.info("Worker warmed up in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		this.running = true;
	}

	/**
	 * A message decoded and its job taken through a run, as the runner would; answers the
	 * job started.
	 */
	private static Job inMemory() {
		Instant now = Instant.now();
		Payload input = new Payload("{\"warm\":true}".getBytes(StandardCharsets.UTF_8), "application/json");
		JobMessage message = JobMessageCodec
			.decode(JobMessageCodec.encode(new JobMessage(JobId.random(), input, null, Map.of())));
		Job job = message.newJob(now, Duration.ofHours(1));
		Job started = job.start(now, Duration.ofSeconds(30));
		started.succeed(input, now);
		return started;
	}

	/** Waits for a write of a job never stored, expected to be refused as stale. */
	private static void refused(CompletableFuture<Job> write) throws InterruptedException, TimeoutException {
		expectFailure(write, "write of a job that was never stored", StaleJobException.class::isInstance);
	}

	/** Waits for an invocation expected to be held back before it was sent. */
	private static void heldBack(CompletableFuture<Payload> invocation) throws InterruptedException, TimeoutException {
		expectFailure(invocation, "invocation held back by its send gate",
				(failure) -> failure instanceof InferenceException notSent && !notSent.wasSent());
	}

	/**
	 * Waits for a warm-up call expected to fail as {@code expected} tells; one that
	 * succeeds is worth a warning, one that fails otherwise a debug line.
	 */
	private static void expectFailure(CompletableFuture<?> call, String what, Predicate<Throwable> expected)
			throws InterruptedException, TimeoutException {
		try {
			call.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			logger.warn("A warm-up {} succeeded", what);
		}
		catch (ExecutionException ex) {
			if (!expected.test(Futures.unwrap(ex))) {
				logger.debug("A warm-up {} failed otherwise than expected: {}", what, ex.toString());
			}
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
