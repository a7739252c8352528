package io.inferq.store;

import java.util.List;

/**
 * One page of a listing, newest first.
 *
 * @param items what this page holds
 * @param next where the next page starts, opaque to callers; {@code null} after the last
 * page
 * @param <T> what is listed
 */
public record Listing<T>(List<T> items, String next) {

	public Listing {
		items = List.copyOf(items);
	}

}
