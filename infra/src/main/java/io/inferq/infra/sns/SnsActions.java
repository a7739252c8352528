package io.inferq.infra.sns;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.inferq.infra.sns.SqsFanOut.Published;
import io.inferq.infra.sns.SqsFanOut.Subscription;
import io.inferq.infra.sns.SqsFanOut.Topic;

/**
 * The SNS actions the stand-in answers, on topics held in memory: CreateTopic (idempotent
 * by name), DeleteTopic, ListTopics (one page), GetTopicAttributes, Subscribe (protocol
 * {@code sqs} only; attribute {@code RawMessageDelivery}), Unsubscribe,
 * ListSubscriptionsByTopic, Publish and PublishBatch (at most 10 entries). A message is
 * at most {@value #MAX_MESSAGE_BYTES} bytes, body and attributes, as SNS allows. Each
 * action completes with its XML result, or fails with an {@link SnsError}.
 */
final class SnsActions {

	/** SNS's limit on one message, and on all the messages of one PublishBatch. */
	static final int MAX_MESSAGE_BYTES = 256 * 1024;

	private static final int MAX_BATCH_ENTRIES = 10;

	private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}(\\.fifo)?");

	private final String arnPrefix;

	private final SqsFanOut fanOut;

	private final Clock clock;

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

	/**
	 * @param region and {@code account} make the topics' ARNs,
	 * {@code arn:aws:sns:<region>:<account>:<name>}
	 */
	SnsActions(String region, String account, SqsFanOut fanOut, Clock clock) {
		this.arnPrefix = "arn:aws:sns:" + region + ":" + account + ":";
		this.fanOut = fanOut;
		this.clock = clock;
	}

	CompletableFuture<Xml> handle(QueryRequest request) {
		return switch (request.action()) {
			case "CreateTopic" -> done(createTopic(request));
			case "DeleteTopic" -> done(deleteTopic(request));
			case "ListTopics" -> done(listTopics());
			case "GetTopicAttributes" -> done(topicAttributes(request));
			case "Subscribe" -> done(subscribe(request));
			case "Unsubscribe" -> done(unsubscribe(request));
			case "ListSubscriptionsByTopic" -> done(listSubscriptions(request));
			case "Publish" -> publish(request);
			case "PublishBatch" -> publishBatch(request);
			default -> throw SnsError.unknownAction(request.action());
		};
	}

	private Xml createTopic(QueryRequest request) {
		String name = request.required("Name");
		if (!TOPIC_NAME.matcher(name).matches()) {
			throw SnsError.invalidParameter(
					"Invalid parameter: Topic Name must be 1 to 256 letters, digits, hyphens or underscores");
		}
		String arn = this.arnPrefix + name;
		this.topics.computeIfAbsent(arn, (key) -> new Topic(arn, request.map("Attributes", "key", "value")));
		return new Xml().element("TopicArn", arn);
	}

	private Xml deleteTopic(QueryRequest request) {
		String arn = request.required("TopicArn");
		this.topics.remove(arn);
		this.subscriptions.values().removeIf((subscription) -> subscription.topicArn().equals(arn));
		return null;
	}

	private Xml listTopics() {
		Xml xml = new Xml().open("Topics");
		this.topics.keySet()
			.stream()
			.sorted()
			.forEach((arn) -> xml.open("member").element("TopicArn", arn).close("member"));
		return xml.close("Topics");
	}

	private Xml topicAttributes(QueryRequest request) {
		Topic topic = topic(request.required("TopicArn"));
		List<Subscription> subscribed = subscriptionsOf(topic.arn());
		Map<String, String> attributes = new LinkedHashMap<>(topic.attributes());
		attributes.put("TopicArn", topic.arn());
		attributes.put("Owner", topic.arn().split(":")[4]);
		attributes.put("DisplayName", topic.attributes().getOrDefault("DisplayName", ""));
		attributes.put("SubscriptionsConfirmed", Integer.toString(subscribed.size()));
		attributes.put("SubscriptionsPending", "0");
		attributes.put("SubscriptionsDeleted", "0");
		Xml xml = new Xml().open("Attributes");
		attributes
			.forEach((key, value) -> xml.open("entry").element("key", key).element("value", value).close("entry"));
		return xml.close("Attributes");
	}

	private Xml subscribe(QueryRequest request) {
		Topic topic = topic(request.required("TopicArn"));
		String protocol = request.required("Protocol");
		String endpoint = request.required("Endpoint");
		if (!protocol.equals("sqs") || !endpoint.startsWith("arn:aws:sqs:")) {
			throw SnsError.invalidParameter("Invalid parameter: the stand-in delivers to SQS only (Protocol sqs,"
					+ " Endpoint a queue ARN); was " + protocol + " " + endpoint);
		}
		boolean raw = Boolean.parseBoolean(request.map("Attributes", "key", "value").get("RawMessageDelivery"));
		Subscription subscription = this.subscriptions.values()
			.stream()
			.filter((known) -> known.topicArn().equals(topic.arn()) && known.endpoint().equals(endpoint))
			.findFirst()
			.orElseGet(() -> {
				Subscription added = new Subscription(topic.arn() + ":" + UUID.randomUUID(), topic.arn(), endpoint,
						raw);
				this.subscriptions.put(added.arn(), added);
				return added;
			});
		return new Xml().element("SubscriptionArn", subscription.arn());
	}

	private Xml unsubscribe(QueryRequest request) {
		if (this.subscriptions.remove(request.required("SubscriptionArn")) == null) {
			throw SnsError.notFound("Subscription does not exist");
		}
		return null;
	}

	private Xml listSubscriptions(QueryRequest request) {
		Topic topic = topic(request.required("TopicArn"));
		Xml xml = new Xml().open("Subscriptions");
		for (Subscription subscription : subscriptionsOf(topic.arn())) {
			xml.open("member")
				.element("TopicArn", topic.arn())
				.element("Protocol", "sqs")
				.element("SubscriptionArn", subscription.arn())
				.element("Owner", topic.arn().split(":")[4])
				.element("Endpoint", subscription.endpoint())
				.close("member");
		}
		return xml.close("Subscriptions");
	}

	private CompletableFuture<Xml> publish(QueryRequest request) {
		String arn = (request.optional("TopicArn") != null) ? request.optional("TopicArn")
				: request.required("TargetArn");
		Topic topic = topic(arn);
		Published message = message(request);
		return this.fanOut.deliver(topic, message, subscriptionsOf(arn))
			.thenApply((delivered) -> new Xml().element("MessageId", message.id()));
	}

	private CompletableFuture<Xml> publishBatch(QueryRequest request) {
		Topic topic = topic(request.required("TopicArn"));
		List<QueryRequest> entries = new ArrayList<>();
		for (int n = 1; request.has("PublishBatchRequestEntries.member." + n); n++) {
			entries.add(request.member("PublishBatchRequestEntries.member." + n));
		}
		if (entries.isEmpty() || entries.size() > MAX_BATCH_ENTRIES) {
			throw SnsError.invalidParameter("Invalid parameter: a batch has 1 to 10 entries; had " + entries.size());
		}
		List<String> ids = entries.stream().map((entry) -> entry.required("Id")).toList();
		List<Published> messages = entries.stream().map(this::message).toList();
		if (messages.stream().mapToLong(SnsActions::size).sum() > MAX_MESSAGE_BYTES) {
			throw SnsError.tooLarge("Invalid parameter: the batch's messages together exceed 262144 bytes");
		}
		List<Subscription> subscribed = subscriptionsOf(topic.arn());
		CompletableFuture<?>[] deliveries = messages.stream()
			.map((message) -> this.fanOut.deliver(topic, message, subscribed))
			.toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(deliveries).thenApply((delivered) -> {
			Xml xml = new Xml().open("Successful");
			for (int i = 0; i < ids.size(); i++) {
				xml.open("member").element("Id", ids.get(i)).element("MessageId", messages.get(i).id()).close("member");
			}
			return xml.close("Successful").open("Failed").close("Failed");
		});
	}

	private Published message(QueryRequest request) {
		Published message = new Published(UUID.randomUUID().toString(), request.required("Message"),
				request.optional("Subject"), request.messageAttributes("MessageAttributes"), this.clock.instant());
		if (size(message) > MAX_MESSAGE_BYTES) {
			throw SnsError.tooLarge("Invalid parameter: Message too long (at most 262144 bytes with its attributes)");
		}
		return message;
	}

	private static long size(Published message) {
		long bytes = message.body().getBytes(StandardCharsets.UTF_8).length;
		for (var attribute : message.attributes().entrySet()) {
			bytes += attribute.getKey().length() + attribute.getValue().type().length()
					+ attribute.getValue().value().getBytes(StandardCharsets.UTF_8).length;
		}
		return bytes;
	}

	private Topic topic(String arn) {
		Topic topic = this.topics.get(arn);
		if (topic == null) {
			throw SnsError.notFound("Topic does not exist");
		}
		return topic;
	}

	private List<Subscription> subscriptionsOf(String topicArn) {
		return this.subscriptions.values().stream().filter((known) -> known.topicArn().equals(topicArn)).toList();
	}

	private static CompletableFuture<Xml> done(Xml result) {
		return CompletableFuture.completedFuture(result);
	}

}
