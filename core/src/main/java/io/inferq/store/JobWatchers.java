package io.inferq.store;

import java.util.Set;

import io.inferq.job.JobId;

/**
 * Tells those who watch a job that it ended. A watcher is an address an API replica gave
 * to {@link JobStore#watch} (its inbox); the store calls {@link #tell} once the write
 * that ended the job succeeded, with every watcher registered before that write, so that
 * a waiting client learns of the end without polling for it.
 */
@FunctionalInterface
public interface JobWatchers {

	/** Tells nobody: for a store whose ends nobody waits for. */
	JobWatchers NONE = (id, watchers) -> {
	};

	/**
	 * Tells each of {@code watchers} that {@code id} ended. Non-blocking and never
	 * throws: a watcher that cannot be told (gone) is skipped, since waiting clients also
	 * poll.
	 */
	void tell(JobId id, Set<String> watchers);

}
