package io.inferq.api.jobs;

import io.inferq.api.config.ApiProperties;
import io.inferq.concurrent.Futures;
import io.inferq.payload.PayloadStoreException;

import org.springframework.web.ErrorResponseException;

/**
 * What the client sees when the payload store fails: a named object that is missing,
 * refused or unreadable is the request's fault (400), one too large is 413, and a store
 * that cannot be reached is 503 with {@code Retry-After}.
 */
final class PayloadFailures {

	private PayloadFailures() {
	}

	/** The problem for {@code failure}, whatever it is. */
	static ErrorResponseException problem(Throwable failure, long maxInputBytes, ApiProperties properties) {
		Throwable cause = Futures.unwrap(failure);
		if (cause instanceof ErrorResponseException response) {
			return response;
		}
		if (cause instanceof PayloadStoreException payload) {
			return switch (payload.reason()) {
				case PayloadStoreException.TOO_LARGE ->
					SubmitRequestReader.inputTooLarge(payload.size(), maxInputBytes);
				case PayloadStoreException.NOT_FOUND, PayloadStoreException.LOCATION_REFUSED,
						PayloadStoreException.ACCESS_DENIED ->
					new InvalidJobRequestException("'inputLocation': " + payload.getMessage(), "/inputLocation");
				default -> unavailable(cause, properties);
			};
		}
		return unavailable(cause, properties);
	}

	private static ServiceUnavailableException unavailable(Throwable cause, ApiProperties properties) {
		return new ServiceUnavailableException("The payload store is unavailable; try again later",
				properties.unavailableRetryAfter(), cause);
	}

}
