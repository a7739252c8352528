package io.inferq.store;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where idempotency keys are recorded. Non-blocking: failures complete the future
 * exceptionally.
 */
public interface IdempotencyStore {

	/**
	 * Records {@code record} unless its key is recorded already and has not expired by
	 * {@code now}: one of any number of concurrent claims of a key wins.
	 * @return empty if this claim won; otherwise the record that holds the key
	 */
	CompletableFuture<Optional<IdempotencyRecord>> claim(IdempotencyRecord record, Instant now);

	/**
	 * Deletes the record of {@code record.key()} if it still names
	 * {@code record.resourceId()}, so that the key may be used again.
	 * @return whether it was deleted
	 */
	CompletableFuture<Boolean> release(IdempotencyRecord record);

}
