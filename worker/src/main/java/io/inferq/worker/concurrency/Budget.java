package io.inferq.worker.concurrency;

import io.inferq.pace.WorkerPace;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster-wide in-flight budget of one SageMaker endpoint (variant), as stored: one
 * record that every worker reads and writes (see {@link BudgetStore}).
 * <p>
 * The invariant every write keeps: no write raises a worker's {@code held} unless the sum
 * of all shares' {@code held} stays within {@code limit}, checked against the record at
 * {@code version}. Lowering a share, renewing it and removing it need no version.
 *
 * @param version the optimistic-locking token; raised by every write that may raise a
 * share or changes the capacity, the limit or the leader
 * @param capacity C: what the endpoint serves at once (instances x requests per instance,
 * or a configured cap); 0 until known
 * @param limit the adaptive limit, at most {@code capacity}: what the cluster may have
 * outstanding now
 * @param limitEpoch raised whenever {@code limit} changes; an overload counts against the
 * limit only if its request was started under the current epoch
 * @param leader the worker that reads the endpoint's capacity and raises the limit back
 * after overloads, or {@code null}
 * @param shares each live worker's share, by worker ID
 */
public record Budget(long version, int capacity, int limit, long limitEpoch, String leader, Map<String, Share> shares) {

	public Budget {
		shares = Map.copyOf(shares);
	}

	/** What the shares hold together. */
	public int totalHeld() {
		return this.shares.values().stream().mapToInt(Share::held).sum();
	}

	/** The share of {@code worker}, if it has one. */
	public Optional<Share> share(String worker) {
		return Optional.ofNullable(this.shares.get(worker));
	}

	/** Whether {@code worker} leads: reads the capacity and raises the limit. */
	public boolean isLedBy(String worker) {
		return Objects.equals(this.leader, worker);
	}

	/** Whether the leader is missing or has no share any more (it stopped or died). */
	public boolean isLeaderless() {
		return this.leader == null || !this.shares.containsKey(this.leader);
	}

	/**
	 * One worker's share of the budget.
	 *
	 * @param held the requests the worker may have outstanding at the endpoint
	 * @param renewal a token the worker changes with every write of its share; others
	 * judge the share's lease by how long they have seen the same token, on their own
	 * monotonic clock
	 * @param interactiveDemand the worker's interactive requests in flight plus waiting,
	 * as of its last write
	 * @param bulkDemand the same for bulk requests
	 * @param pace how fast the worker ends jobs, for the API's estimates; read by no
	 * worker
	 */
	public record Share(int held, String renewal, int interactiveDemand, int bulkDemand, WorkerPace pace) {

		public Share(int held, String renewal, int interactiveDemand, int bulkDemand) {
			this(held, renewal, interactiveDemand, bulkDemand, WorkerPace.NONE);
		}

		public Share {
			Objects.requireNonNull(renewal, "renewal");
			Objects.requireNonNull(pace, "pace");
			if (held < 0 || interactiveDemand < 0 || bulkDemand < 0) {
				throw new IllegalArgumentException("A share's counts must not be negative");
			}
		}

	}

}
