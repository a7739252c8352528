package io.inferq.api.docs;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferq.api.batches.BatchResponse;
import io.inferq.api.ops.OpsOverview;
import io.inferq.api.jobs.JobResponse;
import io.inferq.batch.BatchCounts;
import io.inferq.batch.BatchStatus;
import io.inferq.job.JobAttempt;
import io.inferq.job.JobStatus;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives every request body and every successful answer of the document an example, where
 * the controllers' annotations give none. Answers' examples are the API's own records
 * ({@link JobResponse}, {@link BatchResponse}) serialized as the API serializes them, so
 * they cannot drift from the real bodies; each is chosen by the answer's schema and the
 * operation's method (a job submitted is QUEUED, one read SUCCEEDED, one cancelled
 * CANCELLED); the operators' figures are their record's, a progress stream is written as
 * the API writes its events.
 */
class ApiExamples implements OpenApiCustomizer {

	private static final String NDJSON = "application/x-ndjson";

	private static final String EVENT_STREAM = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE;

	private static final Instant CREATED = Instant.parse("2026-11-24T06:24:35.651Z");

	private static final String JOB_ID = "1Tl4mArJQCs32iXnRnCmOw";

	private static final String BATCH_ID = "b7Qz0cV9RkK2xJm5pL3wTg";

	private static final String PAGE_TOKEN = "eyJrIjoiam9iIiwicyI6MTcwMH0";

	private final JsonMapper mapper;

	/**
	 * @param mapper the API's own, which writes its answers
	 */
	ApiExamples(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public void customise(OpenAPI openApi) {
		if (openApi.getPaths() == null) {
			return;
		}
		Map<String, Schema> schemas = (openApi.getComponents().getSchemas() != null)
				? openApi.getComponents().getSchemas() : Map.of();
		openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
			if (operation.getRequestBody() != null) {
				requestExamples(operation.getRequestBody());
			}
			operation.getResponses().forEach((code, response) -> {
				if (code.startsWith("2")) {
					answerExamples(method, path, response, schemas);
				}
			});
		}));
	}

	private void requestExamples(RequestBody body) {
		forEachMediaTypeWithoutExample(body.getContent(), (type, media) -> {
			if (type.contains("json") && !type.equals(NDJSON)) {
				media.setExample(json(Map.of("input", Map.of("inputs", "Hello"))));
			}
			else if (type.equals(NDJSON)) {
				media.setExample("{\"customId\": \"a-1\", \"input\": {\"inputs\": \"Hello\"}}\n");
			}
			else {
				media.setExample("(the input's bytes, such as a JPEG image sent as Content-Type: image/jpeg)");
			}
		});
	}

	private void answerExamples(PathItem.HttpMethod method, String path, ApiResponse response,
			Map<String, Schema> schemas) {
		forEachMediaTypeWithoutExample(response.getContent(), (type, media) -> {
			String schema = schemaName(media.getSchema());
			Object example = switch (schema) {
				case "JobResponse" -> json(job(method));
				case "BatchResponse" -> json(batch(method));
				case "JobsPage", "BatchJobsPage" -> json(page("jobs", job(PathItem.HttpMethod.GET)));
				case "BatchesPage" -> json(page("batches", batch(PathItem.HttpMethod.GET)));
				case "WebhookResponse" -> json(webhook(method));
				case "OpsOverview" -> json(overview());
				default -> null;
			};
			if (example == null && type.equals(EVENT_STREAM)) {
				example = progressEvents();
			}
			if (example == null && type.equals(NDJSON)) {
				example = "{\"customId\":\"a-1\",\"jobId\":\"" + BATCH_ID + "-0\",\"status\":\"SUCCEEDED\","
						+ "\"output\":{\"message\":\"finish\"},\"outputContentType\":\"application/json\"}\n"
						+ "{\"customId\":\"a-2\",\"jobId\":\"" + BATCH_ID + "-1\",\"status\":\"FAILED\","
						+ "\"error\":{\"type\":\"ModelError\",\"message\":\"The model answered 400\"}}\n";
			}
			if (example == null && path.endsWith("/result")) {
				example = type.contains("json") ? json(Map.of("message", "finish"))
						: "(the model's output, byte for byte, with its content type)";
			}
			media.setExample((example != null) ? example : "(" + response.getDescription() + ")");
		});
	}

	private static void forEachMediaTypeWithoutExample(Content content,
			java.util.function.BiConsumer<String, MediaType> action) {
		if (content == null) {
			return;
		}
		content.forEach((type, media) -> {
			if (media.getExample() == null && (media.getExamples() == null || media.getExamples().isEmpty())) {
				action.accept(type, media);
			}
		});
	}

	private static String schemaName(Schema<?> schema) {
		if (schema == null || schema.get$ref() == null) {
			return "";
		}
		String ref = schema.get$ref();
		return ref.substring(ref.lastIndexOf('/') + 1);
	}

	private static JobResponse job(PathItem.HttpMethod method) {
		Instant deadline = CREATED.plus(Duration.ofHours(6));
		Map<String, String> metadata = Map.of("customer", "acme");
		return switch (method) {
			case POST -> new JobResponse(JOB_ID, JobStatus.QUEUED, CREATED, null, null, deadline, 0, null, null, null,
					null, null, null, metadata, null, null, List.of(), CREATED.plusSeconds(2), CREATED.plusSeconds(3));
			case DELETE -> new JobResponse(JOB_ID, JobStatus.CANCELLED, CREATED, null, CREATED.plusSeconds(3), deadline,
					0, null, null, null, null, null, null, metadata, null, null, List.of(), null, null);
			default -> new JobResponse(JOB_ID, JobStatus.SUCCEEDED, CREATED, CREATED.plusMillis(371),
					CREATED.plusMillis(1485), deadline, 1, "{\"message\":\"finish\"}", null, "application/json", null,
					null, null, metadata, null, null, List.of(new JobResponse.Attempt(1, CREATED.plusMillis(371),
							CREATED.plusMillis(1485), JobAttempt.Outcome.SUCCEEDED, null)),
					null, null);
		};
	}

	private static BatchResponse batch(PathItem.HttpMethod method) {
		Instant enqueued = CREATED.plusMillis(830);
		Map<String, String> metadata = Map.of("run", "42");
		return switch (method) {
			case POST -> new BatchResponse(BATCH_ID, BatchStatus.IN_PROGRESS, CREATED, enqueued, null, 2,
					new BatchCounts(2, 0, 0, 0, 0, 0), metadata, null, CREATED.plusSeconds(6));
			case DELETE -> new BatchResponse(BATCH_ID, BatchStatus.CANCELLED, CREATED, enqueued, CREATED.plusSeconds(4),
					1000, new BatchCounts(780, 4, 216, 0, 0, 0), metadata, null, null);
			default -> new BatchResponse(BATCH_ID, BatchStatus.IN_PROGRESS, CREATED, enqueued, null, 1000,
					new BatchCounts(612, 16, 370, 2, 0, 0), metadata, null, CREATED.plusSeconds(95));
		};
	}

	/** The answer of {@code GET} and {@code PUT /v1/webhook}: the secret and endpoint. */
	private static Map<String, Object> webhook(PathItem.HttpMethod method) {
		Map<String, Object> webhook = new LinkedHashMap<>();
		webhook.put("secret", "whsec_BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY=");
		webhook.put("endpoint", (method == PathItem.HttpMethod.PUT) ? "https://hooks.example.com/inferq" : null);
		return webhook;
	}

	private static OpsOverview overview() {
		Instant minute = Instant.parse("2026-11-24T06:24:00Z");
		return new OpsOverview(CREATED,
				List.of(new OpsOverview.Queue("interactive", "inferq-jobs", 3, 2, 0),
						new OpsOverview.Queue("bulk", "inferq-jobs-bulk", 612, 16, 0)),
				new OpsOverview.Queue("dead-letter", "inferq-jobs-dlq", 0, 0, 0),
				List.of(new OpsOverview.Endpoint("sagemaker-endpoint-test#all", 16, 16, 16, 21,
						Map.of("w-740-e27ca948", new OpsOverview.Share(16, 21)),
						List.of(new OpsOverview.Minute(minute, 188, 2, 0, 0, 1, 5120L, 5043L, 5210L)))));
	}

	/** A progress stream as the API writes it: two progress events and the end. */
	private static String progressEvents() {
		String batch = "{\"batchId\":\"" + BATCH_ID + "\",\"status\":\"%s\",\"counts\":{\"queued\":%d,\"running\":%d,"
				+ "\"succeeded\":%d,\"failed\":0,\"cancelled\":0,\"expired\":0},\"total\":500,"
				+ "\"ratePerSecond\":%s,\"estimatedCompletionAt\":%s}";
		return "event:progress\ndata:"
				+ String.format(batch, "IN_PROGRESS", 480, 2, 18, "0.4", "\"2026-11-24T06:45:31Z\"")
				+ "\n\nevent:progress\ndata:"
				+ String.format(batch, "IN_PROGRESS", 478, 2, 20, "0.4", "\"2026-11-24T06:45:31Z\"")
				+ "\n\nevent:end\ndata:" + String.format(batch, "COMPLETED", 0, 0, 500, "0.4", "null") + "\n\n";
	}

	private static Map<String, Object> page(String name, Object item) {
		Map<String, Object> page = new LinkedHashMap<>();
		page.put(name, List.of(item));
		page.put("nextPageToken", PAGE_TOKEN);
		return page;
	}

	/**
	 * {@code value} as the API writes it, as a tree of the OpenAPI library's own JSON, so
	 * that the document shows it as JSON rather than as a string.
	 */
	private Object json(Object value) {
		try {
			return Json.mapper().readTree(this.mapper.writeValueAsString(value));
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			throw new IllegalStateException("An example that is not JSON: " + value, ex);
		}
	}

}
