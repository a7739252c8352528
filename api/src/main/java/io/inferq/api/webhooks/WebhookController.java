package io.inferq.api.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

import org.springframework.http.ProblemDetail;
import io.inferq.api.security.Caller;
import io.inferq.webhook.TenantWebhooks;
import io.inferq.webhook.TenantWebhooks.TenantWebhook;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The caller's tenant's webhook settings: the secret its deliveries are signed with and
 * its default endpoint. Only the caller's own tenant is ever read or changed.
 */
@RestController
@Tag(name = "Webhooks", description = "Your signing secret and default endpoint for completion webhooks.")
class WebhookController {

	/** The largest body {@code PUT /v1/webhook} reads. */
	static final int MAX_BODY_BYTES = 4096;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final TenantWebhooks webhooks;

	private final Callbacks callbacks;

	WebhookController(TenantWebhooks webhooks, Callbacks callbacks) {
		this.webhooks = webhooks;
		this.callbacks = callbacks;
	}

	@GetMapping(path = "/v1/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Get your webhook settings",
			description = "The Standard Webhooks secret (whsec_...) that signs every delivery of your events, made "
					+ "on first use, and your default endpoint, where jobs without a callbackUrl report.")
	@ApiResponse(responseCode = "200", description = "Your settings")
	@ApiResponse(responseCode = "503", description = "The store is unavailable")
	CompletableFuture<ResponseEntity<WebhookResponse>> get(@AuthenticationPrincipal Caller caller) {
		return this.webhooks.of(caller.tenant()).thenApply(WebhookController::response);
	}

	@PutMapping(path = "/v1/webhook", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Set your default webhook endpoint",
			description = "{\"endpoint\": \"https://...\"} sets it, {\"endpoint\": null} removes it. Jobs and batches "
					+ "submitted afterwards without a callbackUrl report there (within the API's endpoint cache, 30 s).",
			requestBody = @RequestBody(required = true,
					content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
							examples = {
									@ExampleObject(name = "Set",
											value = "{\"endpoint\": \"https://hooks.example.com/inferq\"}"),
									@ExampleObject(name = "Remove", value = "{\"endpoint\": null}") })))
	@ApiResponse(responseCode = "200", description = "Your settings")
	@ApiResponse(responseCode = "400", description = "Not {\"endpoint\": URL or null}, or a URL not acceptable")
	@ApiResponse(responseCode = "413", description = "A body over 4 KB")
	@ApiResponse(responseCode = "415", description = "The body is not application/json")
	@ApiResponse(responseCode = "503", description = "The store is unavailable")
	CompletableFuture<ResponseEntity<WebhookResponse>> put(@AuthenticationPrincipal Caller caller, InputStream body)
			throws IOException {
		URI endpoint = this.callbacks.parse(endpoint(body));
		return this.webhooks.setEndpoint(caller.tenant(), endpoint).thenApply((webhook) -> {
			this.callbacks.forget(caller.tenant());
			return response(webhook);
		});
	}

	private static String endpoint(InputStream body) throws IOException {
		byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
		if (bytes.length > MAX_BODY_BYTES) {
			throw new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem(HttpStatus.CONTENT_TOO_LARGE,
					"Request too large", "The body is over " + MAX_BODY_BYTES + " bytes"), null);
		}
		try {
			JsonNode node = json.readTree(bytes);
			if (node == null || !node.isObject() || node.size() != 1 || !node.has("endpoint")
					|| !(node.get("endpoint").isString() || node.get("endpoint").isNull())) {
				throw invalid();
			}
			return node.get("endpoint").isNull() ? null : node.get("endpoint").asString();
		}
		catch (JacksonException ex) {
			throw invalid();
		}
	}

	private static ErrorResponseException invalid() {
		return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem(HttpStatus.BAD_REQUEST,
				"Invalid webhook settings", "Send {\"endpoint\": \"https://...\"} or {\"endpoint\": null}"), null);
	}

	private static ResponseEntity<WebhookResponse> response(TenantWebhook webhook) {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(new WebhookResponse(webhook.secret(),
					(webhook.endpoint() != null) ? webhook.endpoint().toString() : null));
	}

	/**
	 * A tenant's webhook settings.
	 *
	 * @param secret signs every delivery: {@code webhook-signature} is {@code v1,} and
	 * the base64 HMAC-SHA256, keyed with the base64-decoded part after {@code whsec_}, of
	 * {@code webhook-id.webhook-timestamp.body}
	 * @param endpoint where events of jobs without a callbackUrl go, or {@code null}
	 */
	record WebhookResponse(String secret, String endpoint) {
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
