package io.inferq.api.quota;

/**
 * A tenant's submit rate limit as one request found it.
 *
 * @param admitted whether the request was admitted
 * @param burst how many submits may come at once
 * @param perSecond how many submits a second are admitted on average
 * @param remaining how many more may come at once now
 * @param secondsUntilNext when the next submit will be admitted, 0 if now
 * @param secondsUntilFull when the whole burst will be available again
 */
public record SubmitRate(boolean admitted, int burst, double perSecond, long remaining, double secondsUntilNext,
		double secondsUntilFull) {

}
