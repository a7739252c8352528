package io.inferq.worker.concurrency;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import io.inferq.worker.concurrency.Budget.Share;

/**
 * How a budget's limit ought to be divided among the workers, from the demand each
 * reported: what each worker moves its share towards. A pure function of the budget, so
 * every worker computes the same division from the same record.
 * <p>
 * The interactive lane's share of the limit ({@code reserved}, a share of the whole
 * cluster's limit) goes to interactive demand first, the rest to bulk demand; what either
 * leaves unused goes to the other's remaining demand, interactive first. Within a lane
 * the limit is water-filled: every worker gets up to the same level, none more than it
 * asks for, and the permits that do not divide evenly go to the workers that hold the
 * most already (then by ID), so that shares stay where they are while demand does.
 */
public final class ShareAllocation {

	private ShareAllocation() {
	}

	/**
	 * @param limit what the cluster may have outstanding
	 * @param reserved the interactive lane's share of {@code limit}
	 * @param shares the workers' shares with their demand
	 * @return each worker's target, by worker ID (every worker in {@code shares})
	 */
	public static Map<String, Target> divide(int limit, int reserved, Map<String, Share> shares) {
		List<String> order = shares.keySet()
			.stream()
			.sorted(Comparator.comparingInt((String worker) -> -shares.get(worker).held())
				.thenComparing(Comparator.naturalOrder()))
			.toList();
		Map<String, Integer> interactive = new HashMap<>();
		Map<String, Integer> bulk = new HashMap<>();
		order.forEach((worker) -> {
			interactive.put(worker, 0);
			bulk.put(worker, 0);
		});
		int interactiveLimit = Math.min(Math.max(reserved, 0), Math.max(limit, 0));
		int left = Math.max(limit, 0);
		left -= fill(interactive, interactiveLimit, order, shares, Share::interactiveDemand);
		left -= fill(bulk, Math.min(left, limit - interactiveLimit), order, shares, Share::bulkDemand);
		left -= fill(interactive, left, order, shares, Share::interactiveDemand);
		fill(bulk, left, order, shares, Share::bulkDemand);
		Map<String, Target> targets = new HashMap<>();
		order.forEach((worker) -> targets.put(worker, new Target(interactive.get(worker), bulk.get(worker))));
		return targets;
	}

	/**
	 * Raises {@code allocated} towards each worker's demand, evenly, by at most
	 * {@code amount} in all.
	 * @return how much was given
	 */
	private static int fill(Map<String, Integer> allocated, int amount, List<String> order, Map<String, Share> shares,
			ToIntFunction<Share> demand) {
		int given = 0;
		while (given < amount) {
			List<String> wanting = order.stream()
				.filter((worker) -> allocated.get(worker) < demand.applyAsInt(shares.get(worker)))
				.toList();
			if (wanting.isEmpty()) {
				break;
			}
			int level = Math.max(1, (amount - given) / wanting.size());
			for (String worker : wanting) {
				int more = Math.min(Math.min(level, demand.applyAsInt(shares.get(worker)) - allocated.get(worker)),
						amount - given);
				allocated.merge(worker, more, Integer::sum);
				given += more;
				if (given == amount) {
					break;
				}
			}
		}
		return given;
	}

	/**
	 * What one worker's share ought to be.
	 *
	 * @param interactive permits for its interactive requests
	 * @param bulk permits for its bulk requests
	 */
	public record Target(int interactive, int bulk) {

		/** The whole share. */
		public int total() {
			return this.interactive + this.bulk;
		}

	}

}
