package io.inferq.api.ops;

import java.util.concurrent.CompletableFuture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operators' figures, as the dashboard shows them. Any authenticated caller may read
 * them: they hold no tenant's data (no job, batch or tenant name), only queue depths, the
 * endpoints' capacity and the cluster's throughput and latency.
 */
@RestController
@Tag(name = "Operations", description = "Queues, capacity, throughput and latency; no tenant's data.")
class OpsController {

	static final String PATH = "/v1/ops/overview";

	private final OpsService ops;

	OpsController(OpsService ops) {
		this.ops = ops;
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Operators' figures",
			description = "The lanes' queues and the dead-letter queue (approximate depths), each endpoint's "
					+ "capacity, adaptive limit and the workers' shares of it, and the last hour a minute at a time "
					+ "(jobs ended by outcome, mean, p50 and p95 latency from acceptance to end). Read at most every "
					+ "few seconds whoever asks; workers add their figures every 15 s.")
	@ApiResponse(responseCode = "200", description = "The figures")
	@ApiResponse(responseCode = "401", description = "No credential, or a bad one")
	@ApiResponse(responseCode = "503", description = "The queues or the job table could not be read")
	CompletableFuture<OpsOverview> overview() {
		return this.ops.overview();
	}

}
