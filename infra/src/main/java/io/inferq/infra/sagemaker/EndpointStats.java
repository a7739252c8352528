package io.inferq.infra.sagemaker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an endpoint did since it was defined or its stats were last reset. A reset keeps
 * what is going on now: requests outstanding, invocations in flight and waiting stay
 * counted in {@code outstanding}, {@code inFlight} and {@code waiting}, and the maxima
 * start from them.
 *
 * @param endpointName the endpoint
 * @param instanceCount the instances the endpoint has now, as DescribeEndpoint reports
 * them
 * @param servedInstances the instances that actually serve invocations now:
 * {@code instanceCount}, or the spec's {@code servedInstances} if fewer
 * @param concurrencyPerInstance invocations one instance serves at a time
 * @param invocations invocations received
 * @param succeeded invocations answered with the model's output (with
 * {@code keepRunningAfterDisconnect}, also those the model finished after the caller went
 * away)
 * @param outstanding InvokeEndpoint requests received and not finished now: counted from
 * receipt (the body read, the endpoint found) until the answer is written, and, if the
 * caller went away first, until the invocation is over (its instance slot released);
 * waiting requests and requests being rejected included. Exact: counted on receipt and on
 * completion, not sampled
 * @param maxOutstanding the most requests outstanding at the same time
 * @param inFlight invocations holding an instance slot now
 * @param maxInFlight the most invocations that held an instance slot at the same time
 * @param waiting invocations waiting for a free instance now
 * @param timeouts invocations that did not finish within the model timeout (also counted
 * as {@code ModelError})
 * @param rejections invocations rejected at once because no instance was free (also
 * counted as {@code ThrottlingException})
 * @param errors failed invocations by error code, injected or not
 * @param firstStartedAt when the first invocation got an instance, or {@code null}
 * @param lastEndedAt when the last invocation released its instance, or {@code null}
 * @param utilisation the instances' busy time divided by {@code servedInstances} times
 * the time from {@code firstStartedAt} to {@code lastEndedAt} (or now, while invocations
 * are in flight); 0 before the first invocation
 * @param lastStartedAt when the last invocation got an instance, or {@code null}
 * @param utilisationWhileStarting the instances' busy time from {@code firstStartedAt} to
 * {@code lastStartedAt}, divided by {@code servedInstances} times that time: how busy the
 * endpoint was while invocations kept coming, leaving out the drain after the last one
 * started (for a backlog queued up front: while jobs waited); 0 before the second
 * invocation
 * @param instances each serving instance's share of the work, including instances removed
 * by a scale-in since the last reset; instances that only the description has are left
 * out
 */
public record EndpointStats(String endpointName, int instanceCount, int servedInstances, int concurrencyPerInstance,
		long invocations, long succeeded, int outstanding, int maxOutstanding, int inFlight, int maxInFlight,
		int waiting, long timeouts, long rejections, Map<String, Long> errors, Instant firstStartedAt,
		Instant lastEndedAt, double utilisation, Instant lastStartedAt, double utilisationWhileStarting,
		List<InstanceStats> instances) {

	/**
	 * One instance's work.
	 *
	 * @param instance the instance's index, from 0
	 * @param active whether the instance still serves (false after a scale-in)
	 * @param inFlight invocations it serves now
	 * @param invocations invocations it served
	 * @param busyTime how long it served at least one invocation
	 */
	public record InstanceStats(int instance, boolean active, int inFlight, long invocations, Duration busyTime) {

	}

}
