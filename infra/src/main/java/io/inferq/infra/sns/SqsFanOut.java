package io.inferq.infra.sns;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.inferq.infra.sns.QueryRequest.MessageAttribute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers published messages to SQS subscriptions by {@code SendMessage} to the queue
 * their ARN names ({@code arn:aws:sqs:<region>:<account>:<name>}), through the real SQS
 * client: in SNS's JSON envelope ({@code Type: Notification}, {@code MessageId},
 * {@code TopicArn}, {@code Message}, {@code MessageAttributes}...), or the message alone
 * with its attributes as SQS message attributes when the subscription asked for
 * {@code RawMessageDelivery}. The envelope's signature is a placeholder: nothing here is
 * signed. A delivery that fails is logged and dropped (real SNS retries SQS deliveries
 * for days; a missing queue here is a test's mistake).
 */
final class SqsFanOut {

	private static final Logger logger = LoggerFactory.getLogger(SqsFanOut.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final SqsAsyncClient sqs;

	private final URI endpoint;

	private final Map<String, CompletableFuture<String>> queueUrls = new ConcurrentHashMap<>();

	SqsFanOut(SqsAsyncClient sqs, URI endpoint) {
		this.sqs = sqs;
		this.endpoint = endpoint;
	}

	/** Delivers one message to every subscription; completes when all were tried. */
	CompletableFuture<Void> deliver(Topic topic, Published message, List<Subscription> subscriptions) {
		CompletableFuture<?>[] deliveries = subscriptions.stream()
			.map((subscription) -> deliver(topic, message, subscription).exceptionally((failure) -> {
				logger.warn("SNS stand-in: message {} of {} not delivered to {}: {}", message.id(), topic.arn(),
						subscription.endpoint(), failure.toString());
				return null;
			}))
			.toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(deliveries);
	}

	private CompletableFuture<Void> deliver(Topic topic, Published message, Subscription subscription) {
		return queueUrl(subscription.endpoint()).thenCompose((url) -> this.sqs.sendMessage((request) -> {
			request.queueUrl(url);
			if (subscription.raw()) {
				request.messageBody(message.body()).messageAttributes(sqsAttributes(message.attributes()));
			}
			else {
				request.messageBody(envelope(topic, message, subscription));
			}
		})).thenApply((sent) -> null);
	}

	private CompletableFuture<String> queueUrl(String queueArn) {
		String name = queueArn.substring(queueArn.lastIndexOf(':') + 1);
		return this.queueUrls.compute(queueArn,
				(arn, known) -> (known == null || known.isCompletedExceptionally())
						? this.sqs.getQueueUrl((request) -> request.queueName(name))
							.thenApply((response) -> response.queueUrl())
						: known);
	}

	private String envelope(Topic topic, Published message, Subscription subscription) {
		ObjectNode envelope = json.createObjectNode();
		envelope.put("Type", "Notification");
		envelope.put("MessageId", message.id());
		envelope.put("TopicArn", topic.arn());
		if (message.subject() != null) {
			envelope.put("Subject", message.subject());
		}
		envelope.put("Message", message.body());
		envelope.put("Timestamp", message.at().truncatedTo(ChronoUnit.MILLIS).toString());
		envelope.put("SignatureVersion", "1");
		envelope.put("Signature", "EXAMPLE");
		envelope.put("SigningCertURL", this.endpoint + "/SimpleNotificationService-stand-in.pem");
		envelope.put("UnsubscribeURL", this.endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + subscription.arn());
		if (!message.attributes().isEmpty()) {
			ObjectNode attributes = envelope.putObject("MessageAttributes");
			message.attributes()
				.forEach((name,
						value) -> attributes.putObject(name).put("Type", value.type()).put("Value", value.value()));
		}
		return json.writeValueAsString(envelope);
	}

	private static Map<String, MessageAttributeValue> sqsAttributes(Map<String, MessageAttribute> attributes) {
		Map<String, MessageAttributeValue> sqs = new LinkedHashMap<>();
		attributes.forEach((name, value) -> sqs.put(name,
				MessageAttributeValue.builder().dataType(value.type()).stringValue(value.value()).build()));
		return sqs;
	}

	/** A message as published: its ID, body, subject (or {@code null}) and attributes. */
	record Published(String id, String body, String subject, Map<String, MessageAttribute> attributes, Instant at) {
	}

	/** One topic: its ARN and its attributes as set at creation. */
	record Topic(String arn, Map<String, String> attributes) {
	}

	/** One SQS subscription: its ARN, the queue's ARN, and whether delivery is raw. */
	record Subscription(String arn, String topicArn, String endpoint, boolean raw) {
	}

}
