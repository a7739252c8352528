package io.inferq.api.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The operators' figures: the queues, and each endpoint's capacity and last hour. Nothing
 * in it belongs to a tenant.
 *
 * @param at when the figures were read (they are kept a few seconds)
 * @param queues the interactive and bulk lanes' queues
 * @param deadLetter the dead-letter queue of both lanes
 * @param endpoints each endpoint workers run for, by name
 */
public record OpsOverview(Instant at, List<Queue> queues, Queue deadLetter, List<Endpoint> endpoints) {

	/**
	 * A queue's approximate depth.
	 *
	 * @param lane {@code interactive}, {@code bulk} or {@code dead-letter}
	 * @param name the queue's name
	 * @param visible messages waiting to be received
	 * @param inFlight messages received and not deleted yet (running, or held by a worker
	 * waiting for a free instance)
	 * @param delayed messages waiting out a retry's delay
	 */
	public record Queue(String lane, String name, long visible, long inFlight, long delayed) {

	}

	/**
	 * One endpoint (variant) the workers run for.
	 *
	 * @param endpoint {@code <endpoint>#<variant>}, or {@code <endpoint>#all}
	 * @param capacity what the endpoint serves at once (0 until measured), or absent if
	 * no worker holds a budget for it
	 * @param limit what the workers may have outstanding at the endpoint now (the
	 * adaptive limit)
	 * @param held what the workers' shares of the limit add up to
	 * @param demand the workers' requests in flight plus waiting for a permit, as they
	 * last wrote it
	 * @param workers each worker's share ({@code held}) and demand, by worker ID
	 * @param minutes the last hour, a minute at a time, oldest first
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Endpoint(String endpoint, Integer capacity, Integer limit, Integer held, Integer demand,
			Map<String, Share> workers, List<Minute> minutes) {

	}

	/**
	 * A worker's share of an endpoint.
	 *
	 * @param held the most requests it may have outstanding
	 * @param demand its requests in flight plus waiting
	 */
	public record Share(int held, int demand) {

	}

	/**
	 * What the workers ended in one minute.
	 *
	 * @param minute the minute's start
	 * @param succeeded jobs that succeeded
	 * @param failed jobs that failed
	 * @param cancelled jobs cancelled as they were about to run
	 * @param expired jobs that expired unstarted
	 * @param retried attempts that failed and went back to the queue
	 * @param meanMillis the mean latency (acceptance to end) of succeeded and failed
	 * jobs, absent without any
	 * @param p50Millis the median latency, estimated from a histogram
	 * @param p95Millis the 95th percentile latency, likewise
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Minute(Instant minute, long succeeded, long failed, long cancelled, long expired, long retried,
			Long meanMillis, Long p50Millis, Long p95Millis) {

	}

}
