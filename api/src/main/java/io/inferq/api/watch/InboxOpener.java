package io.inferq.api.watch;

import java.util.concurrent.CompletableFuture;

import io.inferq.message.JobEndInbox;

/**
 * Opens this API process's inbox for the ends of the jobs its clients wait for; tried at
 * start and again while it fails ({@link LongPolls}).
 */
@FunctionalInterface
interface InboxOpener {

	/** Creates the inbox; non-blocking, completes with it or fails. */
	CompletableFuture<JobEndInbox> open();

}
