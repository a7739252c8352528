package io.inferq.api.batches;

import java.util.Arrays;

/**
 * The customIds seen in one batch, as 64-bit hashes in an open-addressing table: 16 bytes
 * per item at most, so that a million items take 16 MB rather than a set of strings'
 * hundreds. Two different IDs collide with odds of about n²/2⁶⁵ (3·10⁻⁸ for a million),
 * which would refuse the batch as if they were equal.
 */
final class CustomIds {

	private static final long EMPTY = 0;

	private long[] table = new long[1024];

	private int size;

	/** Adds {@code customId}; false if it was seen already. */
	boolean add(String customId) {
		long hash = hash(customId);
		if ((this.size + 1) * 2L > this.table.length) {
			grow();
		}
		return insert(this.table, hash);
	}

	private boolean insert(long[] into, long hash) {
		int mask = into.length - 1;
		int slot = (int) (hash ^ (hash >>> 32)) & mask;
		while (into[slot] != EMPTY) {
			if (into[slot] == hash) {
				return false;
			}
			slot = (slot + 1) & mask;
		}
		into[slot] = hash;
		this.size++;
		return true;
	}

	private void grow() {
		long[] old = this.table;
		this.table = new long[old.length * 2];
		this.size = 0;
		Arrays.stream(old).filter((hash) -> hash != EMPTY).forEach((hash) -> insert(this.table, hash));
	}

	/** FNV-1a over the UTF-16 units, then MurmurHash3's finaliser; never 0. */
	static long hash(String value) {
		long hash = 0xcbf29ce484222325L;
		for (int i = 0; i < value.length(); i++) {
			hash ^= value.charAt(i);
			hash *= 0x100000001b3L;
		}
		hash ^= hash >>> 33;
		hash *= 0xff51afd7ed558ccdL;
		hash ^= hash >>> 33;
		hash *= 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return (hash != EMPTY) ? hash : 1;
	}

}
