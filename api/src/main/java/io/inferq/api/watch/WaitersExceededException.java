package io.inferq.api.watch;

import java.time.Duration;

import io.inferq.api.web.ServerBusyException;

/**
 * As many clients wait on this API process as it allows (503 with {@code Retry-After}):
 * the client may poll without {@code wait}, or wait again a little later.
 */
class WaitersExceededException extends ServerBusyException {

	WaitersExceededException(int maxWaiters) {
		super("This server has " + maxWaiters + " requests waiting already (" + WatchProperties.PREFIX
				+ ".max-waiters); ask without 'wait', or try again after Retry-After", Duration.ofSeconds(1));
	}

}
