package io.inferq.webhook;

import java.net.URI;

import io.inferq.batch.BatchId;
import io.inferq.tenant.TenantId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link WebhookMessage}s as JSON queue message bodies: {@code {"tenant", "url",
 * "batch"}} or {@code {"tenant", "url", "id", "type", "body"}}.
 */
public final class WebhookMessageCodec {

	private static final JsonMapper json = JsonMapper.builder().build();

	private WebhookMessageCodec() {
	}

	public static String encode(WebhookMessage message) {
		ObjectNode node = json.createObjectNode();
		node.put("tenant", message.tenant().value());
		node.put("url", message.url().toString());
		if (message.batch() != null) {
			node.put("batch", message.batch().value());
		}
		else {
			node.put("id", message.event().id());
			node.put("type", message.event().type());
			node.put("body", message.event().body());
		}
		return json.writeValueAsString(node);
	}

	/**
	 * @throws IllegalArgumentException if the body is not a webhook message
	 */
	public static WebhookMessage decode(String body) {
		try {
			JsonNode node = json.readTree(body);
			TenantId tenant = new TenantId(node.required("tenant").asString());
			URI url = URI.create(node.required("url").asString());
			if (node.has("batch")) {
				return WebhookMessage.checkBatch(tenant, url, new BatchId(node.get("batch").asString()));
			}
			return WebhookMessage.send(tenant, url, new WebhookEvent(node.required("id").asString(),
					node.required("type").asString(), node.required("body").asString()));
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			throw new IllegalArgumentException("Not a webhook message: " + ex.getMessage(), ex);
		}
	}

}
