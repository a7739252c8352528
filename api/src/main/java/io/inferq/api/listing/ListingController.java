package io.inferq.api.listing;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.config.ApiProperties;
import io.inferq.api.security.Caller;
import io.inferq.batch.BatchStatus;
import io.inferq.job.JobStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's own jobs and batches, newest first, so that a lost ID can be found again.
 */
@RestController
@Tag(name = "Listings", description = "The caller's own jobs and batches, newest first, a page at a time.")
class ListingController {

	private final ListingService listings;

	private final ApiProperties properties;

	ListingController(ListingService listings, ApiProperties properties) {
		this.listings = listings;
		this.properties = properties;
	}

	@GetMapping(path = "/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List your jobs",
			description = "Single jobs and jobs of batches, newest first; pass nextPageToken as pageToken for the "
					+ "next page, with the same 'status'. The listing follows the jobs within about a second, so a "
					+ "page may hold fewer than 'limit' (a job that just changed status is left out): follow the "
					+ "tokens until there is none.")
	@ApiResponse(responseCode = "200", description = "A page of jobs")
	@ApiResponse(responseCode = "400", description = "A bad limit, status or pageToken")
	@ApiResponse(responseCode = "503", description = "The job store is unavailable")
	CompletableFuture<JobsPage> jobs(@AuthenticationPrincipal Caller caller,
			@Parameter(description = "Only jobs in this status") @RequestParam(required = false) String status,
			@Parameter(description = "The most jobs in the page, 1 to 100") @RequestParam(
					defaultValue = "100") int limit,
			@Parameter(description = "The nextPageToken of the previous page") @RequestParam(
					required = false) String pageToken) {
		return this.listings.jobs(caller.tenant(), status(JobStatus.class, status), limit(limit), pageToken);
	}

	@GetMapping(path = "/v1/batches", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "List your batches",
			description = "Newest first; pass nextPageToken as pageToken for the next page, with the same 'status'. "
					+ "With 'status', a page may hold fewer than 'limit' (even none) and still have a "
					+ "nextPageToken: follow the tokens until there is none.")
	@ApiResponse(responseCode = "200", description = "A page of batches")
	@ApiResponse(responseCode = "400", description = "A bad limit, status or pageToken")
	@ApiResponse(responseCode = "503", description = "The batch store is unavailable")
	CompletableFuture<BatchesPage> batches(@AuthenticationPrincipal Caller caller,
			@Parameter(description = "Only batches in this status") @RequestParam(required = false) String status,
			@Parameter(description = "The most batches in the page, 1 to 100") @RequestParam(
					defaultValue = "100") int limit,
			@Parameter(description = "The nextPageToken of the previous page") @RequestParam(
					required = false) String pageToken) {
		return this.listings.batches(caller.tenant(), status(BatchStatus.class, status), limit(limit), pageToken);
	}

	private int limit(int limit) {
		int maxPageSize = this.properties.batches().maxPageSize();
		if (limit < 1 || limit > maxPageSize) {
			throw new InvalidListingException("'limit' must be between 1 and " + maxPageSize);
		}
		return limit;
	}

	private static <E extends Enum<E>> E status(Class<E> type, String status) {
		if (status == null || status.isEmpty()) {
			return null;
		}
		try {
			return Enum.valueOf(type, status.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidListingException("'status' must be one of " + Arrays.toString(type.getEnumConstants()));
		}
	}

}
