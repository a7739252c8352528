package io.inferq.payload;

import java.io.InputStream;
import java.util.concurrent.CompletableFuture;

import io.inferq.job.Payload;

/**
 * Where payloads too large for the job record are kept (the claim checks of
 * {@link io.inferq.job.PayloadRef}), and where clients' own input objects are read from.
 * Every method is non-blocking: it returns at once and never throws; failures complete
 * the future with a {@link PayloadStoreException} that says whether trying again may
 * help.
 * <p>
 * Objects inferq writes get fresh keys and expire by the store's lifecycle rule; it never
 * overwrites or deletes an object a client named.
 */
public interface PayloadStore {

	/**
	 * Stores an inline payload under a new key.
	 * @return the payload as a reference, with its size and checksum
	 */
	CompletableFuture<Payload> put(Payload inline);

	/**
	 * Looks at a client's object ({@code inputLocation}): fails if its location is not
	 * one clients may name, if it does not exist, or if it is larger than
	 * {@code maxBytes}.
	 * @return the payload with the object's size
	 */
	CompletableFuture<Payload> describe(Payload stored, long maxBytes);

	/**
	 * Reads a stored payload's bytes whole, checking its checksum if it has one; fails
	 * with a permanent {@link PayloadStoreException} if the object is gone, larger than
	 * {@code maxBytes}, or not what was stored.
	 * @return the payload inline
	 */
	CompletableFuture<Payload> get(Payload stored, long maxBytes);

	/**
	 * Opens a stored payload's bytes for streaming; the caller closes the stream.
	 */
	CompletableFuture<InputStream> open(Payload stored);

	/**
	 * Deletes an object inferq wrote (best effort: one left behind expires by the
	 * lifecycle rule); does nothing for a client's object.
	 */
	CompletableFuture<Void> delete(Payload stored);

}
