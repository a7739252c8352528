package io.inferq.worker.inference;

/**
 * Asked as late as a client can, just before an invocation's request leaves for the
 * endpoint: a gate that says no fails the invocation with
 * {@link InferenceException#notSent()}, the endpoint never having seen it. A worker's
 * permit is its gate, so that a share of the endpoint that lapsed while the job started
 * (or while its input was fetched, or while the process was paused) sends nothing.
 */
@FunctionalInterface
public interface SendGate {

	/** Always lets the request go. */
	SendGate OPEN = () -> true;

	/**
	 * @return whether the request may still be sent; called once per request
	 */
	boolean maySend();

}
