package io.inferq.webhook;

import io.inferq.job.Job;

/**
 * Which ended jobs owe events, and so get an outbox mark in the write that stores their
 * outcome: those with a callback, or, when the operator's topics are configured, every
 * one.
 */
public enum EventScope {

	/** Only jobs with a callback (their own or their batch's) owe an event. */
	CALLBACKS,

	/** Every ended job owes events: the topics' and, with a callback, the webhook's. */
	EVERY_END;

	/** Whether the job has ended and owes an event. */
	public boolean owesEvent(Job job) {
		return job.isTerminal() && (this == EVERY_END || job.callback() != null);
	}

}
