package io.inferq.worker.concurrency;

/**
 * A worker wrote its share of a budget, but the share is gone: another worker reclaimed
 * it after its lease lapsed (or the budget was deleted). The worker must stop starting
 * requests and join again.
 */
public class ShareLostException extends RuntimeException {

	public ShareLostException(String worker) {
		super("Worker " + worker + " has no share of the budget any more");
	}

}
