package io.inferq.worker.jobs;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler.ReleaseReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuller receives while enough messages are held; about 0.3 s. */
class HeldMessagesBackPressureHandlerTest {

	@Test
	void request_shouldGrantWhatIsFree_whenFewAreHeld() throws InterruptedException {
		HeldMessagesBackPressureHandler handler = new HeldMessagesBackPressureHandler(() -> 40, 10,
				Duration.ofSeconds(1), Duration.ofSeconds(5));

		assertThat(handler.request(10)).isEqualTo(10);
		assertThat(handler.held()).isEqualTo(10);
	}

	@Test
	void request_shouldWaitForAFullBatch_whileManyAreHeld() throws Exception {
		HeldMessagesBackPressureHandler handler = new HeldMessagesBackPressureHandler(() -> 40, 10,
				Duration.ofSeconds(1), Duration.ofSeconds(5));
		assertThat(handler.request(10) + handler.request(10) + handler.request(10) + handler.request(10)).isEqualTo(40);
		handler.release(1, ReleaseReason.PROCESSED);

		CompletableFuture<Integer> granted = CompletableFuture.supplyAsync(() -> {
			try {
				return handler.request(10);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		Thread.sleep(100);
		assertThat(granted).isNotDone();
		handler.release(9, ReleaseReason.PROCESSED);

		assertThat(granted.get(2, TimeUnit.SECONDS)).isEqualTo(10);
	}

	@Test
	void request_shouldTakeWhatIsFree_afterTheFillWait() throws InterruptedException {
		HeldMessagesBackPressureHandler handler = new HeldMessagesBackPressureHandler(() -> 40, 10,
				Duration.ofSeconds(1), Duration.ofMillis(100));
		for (int i = 0; i < 4; i++) {
			handler.request(10);
		}
		handler.release(3, ReleaseReason.PROCESSED);

		long started = System.nanoTime();
		assertThat(handler.request(10)).isEqualTo(3);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
	}

}
