package io.inferq.api.batches;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.inferq.batch.BatchId;

/**
 * The opaque token of a page of a batch's jobs: the position of the next item to look at,
 * bound to the batch so that a token of one batch means nothing for another.
 */
final class PageToken {

	private PageToken() {
	}

	static String of(BatchId batch, long seq) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString((batch.value() + ":" + seq).getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The position a token stands for; 0 without one.
	 * @throws InvalidBatchException if the token is not one of this batch's
	 */
	static long seq(BatchId batch, String token) {
		if (token == null || token.isEmpty()) {
			return 0;
		}
		try {
			String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
			String prefix = batch.value() + ":";
			if (text.startsWith(prefix)) {
				long seq = Long.parseLong(text.substring(prefix.length()));
				if (seq >= 0) {
					return seq;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// Not base64 or not a number: as invalid as any other wrong token.
		}
		throw InvalidBatchException.of("'pageToken' is not a token of this batch's listing; "
				+ "pass the nextPageToken of the previous page as it was");
	}

}
