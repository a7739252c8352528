package io.inferq.message;

import java.util.List;
import java.util.function.Consumer;

import io.inferq.job.JobId;

/**
 * Where one API replica hears that jobs its clients wait for ended: its
 * {@link #address()} is registered as a watcher of each such job
 * ({@code JobStore#watch}), and whoever ends the job tells the inbox
 * ({@code JobWatchers}). One per replica, so that replicas need nothing in common; it
 * lives as long as the replica.
 */
public interface JobEndInbox extends AutoCloseable {

	/** This inbox's address, to register as a watcher. */
	String address();

	/**
	 * Starts handing what is told to this inbox to {@code ended}, a few IDs at a time, on
	 * an SDK thread ({@code ended} must not block). At least once: an ID may come twice.
	 */
	void open(Consumer<List<JobId>> ended);

	/** Stops listening and removes the inbox; what is told to it afterwards is lost. */
	@Override
	void close();

}
