package io.inferq.infra.sns;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.inferq.infra.local.LocalAws;
import io.inferq.webhook.sns.EventTopicNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SNS stand-in through the real {@link SnsAsyncClient} (AWS Query protocol), with
 * deliveries read from ElasticMQ through the real SQS client: the envelope, raw delivery,
 * PublishBatch, topic management and the errors the SDK maps to its own exceptions.
 */
@Timeout(30)
class SnsStandInTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LocalAws aws;

	private static SnsAsyncClient sns;

	private static SqsAsyncClient sqs;

	@BeforeAll
	static void connect() {
		aws = LocalAws.shared();
		sns = aws.configure(SnsAsyncClient.builder(), aws.snsEndpoint()).build();
		sqs = aws.configure(SqsAsyncClient.builder(), aws.sqsEndpoint()).build();
	}

	@AfterAll
	static void disconnect() {
		sns.close();
		sqs.close();
	}

	@Test
	void publish_deliversTheSnsEnvelopeWithAttributes_toASubscribedQueue() {
		String topic = topic();
		String queueUrl = queue();
		sns.subscribe((request) -> request.topicArn(topic).protocol("sqs").endpoint(queueArn(queueUrl))).join();

		String messageId = sns
			.publish((request) -> request.topicArn(topic)
				.message("{\"type\":\"job.succeeded\"}")
				.subject("done")
				.messageAttributes(Map.of("type", string("job.succeeded"), "tenant", string("acme"))))
			.join()
			.messageId();

		JsonNode envelope = json.readTree(receiveOne(queueUrl).body());
		assertThat(envelope.path("Type").asString()).isEqualTo("Notification");
		assertThat(envelope.path("MessageId").asString()).isEqualTo(messageId);
		assertThat(envelope.path("TopicArn").asString()).isEqualTo(topic);
		assertThat(envelope.path("Subject").asString()).isEqualTo("done");
		assertThat(envelope.path("Message").asString()).isEqualTo("{\"type\":\"job.succeeded\"}");
		assertThat(envelope.path("Timestamp").asString()).isNotEmpty();
		assertThat(envelope.path("MessageAttributes").path("tenant").path("Value").asString()).isEqualTo("acme");
		assertThat(envelope.path("MessageAttributes").path("type").path("Type").asString()).isEqualTo("String");
	}

	@Test
	void rawMessageDelivery_sendsTheMessageAlone_withItsAttributesAsSqsAttributes() {
		String topic = topic();
		String queueUrl = queue();
		sns.subscribe((request) -> request.topicArn(topic)
			.protocol("sqs")
			.endpoint(queueArn(queueUrl))
			.attributes(Map.of("RawMessageDelivery", "true"))).join();

		sns.publishBatch((request) -> request.topicArn(topic)
			.publishBatchRequestEntries(PublishBatchRequestEntry.builder().id("a").message("first").build(),
					PublishBatchRequestEntry.builder()
						.id("b")
						.message("second")
						.messageAttributes(Map.of("jobId", string("j-2")))
						.build()))
			.join();

		List<Message> messages = sqs
			.receiveMessage((request) -> request.queueUrl(queueUrl)
				.maxNumberOfMessages(10)
				.waitTimeSeconds(2)
				.messageAttributeNames("All"))
			.join()
			.messages();
		assertThat(messages).extracting(Message::body).containsExactlyInAnyOrder("first", "second");
		assertThat(messages).filteredOn((message) -> message.body().equals("second"))
			.singleElement()
			.satisfies(
					(message) -> assertThat(message.messageAttributes().get("jobId").stringValue()).isEqualTo("j-2"));
	}

	@Test
	void topics_areCreatedOnceByName_listedDescribedAndDeleted() {
		String name = "t-" + UUID.randomUUID();
		String arn = sns.createTopic((request) -> request.name(name)).join().topicArn();
		assertThat(sns.createTopic((request) -> request.name(name)).join().topicArn()).isEqualTo(arn);
		assertThat(arn).isEqualTo(aws.topicArn(name));
		assertThat(sns.listTopics().join().topics()).anySatisfy((topic) -> assertThat(topic.topicArn()).isEqualTo(arn));
		assertThat(sns.getTopicAttributes((request) -> request.topicArn(arn)).join().attributes())
			.containsEntry("TopicArn", arn)
			.containsEntry("SubscriptionsConfirmed", "0");

		String subscription = sns
			.subscribe((request) -> request.topicArn(arn).protocol("sqs").endpoint(queueArn(queue())))
			.join()
			.subscriptionArn();
		sns.unsubscribe((request) -> request.subscriptionArn(subscription)).join();
		sns.deleteTopic((request) -> request.topicArn(arn)).join();

		assertThat(sns.listTopics().join().topics())
			.noneSatisfy((topic) -> assertThat(topic.topicArn()).isEqualTo(arn));
		assertThatThrownBy(() -> sns.getTopicAttributes((request) -> request.topicArn(arn)).join())
			.hasCauseInstanceOf(NotFoundException.class);
	}

	@Test
	void errors_areSnsErrors_thatTheSdkMaps() {
		assertThatThrownBy(
				() -> sns.publish((request) -> request.topicArn(aws.topicArn("no-such-topic")).message("lost")).join())
			.hasCauseInstanceOf(NotFoundException.class);
		assertThatThrownBy(() -> sns.createTopic((request) -> request.name("not a name!")).join())
			.hasCauseInstanceOf(InvalidParameterException.class);
		assertThatThrownBy(() -> sns
			.subscribe((request) -> request.topicArn(topic()).protocol("http").endpoint("http://127.0.0.1:1/"))
			.join()).hasCauseInstanceOf(InvalidParameterException.class);
		String tooLong = "x".repeat(SnsActions.MAX_MESSAGE_BYTES + 1);
		assertThatThrownBy(() -> sns.publish((request) -> request.topicArn(topic()).message(tooLong)).join())
			.hasCauseInstanceOf(InvalidParameterException.class);
	}

	@Test
	void theEventTopics_existInEveryLocalAws() {
		assertThat(sns.listTopics().join().topics()).extracting((topic) -> topic.topicArn())
			.contains(aws.topicArn(EventTopicNames.DEFAULT_SUCCESS_NAME),
					aws.topicArn(EventTopicNames.DEFAULT_ERROR_NAME));
	}

	private static String topic() {
		return sns.createTopic((request) -> request.name("t-" + UUID.randomUUID())).join().topicArn();
	}

	private static String queue() {
		return sqs.createQueue((request) -> request.queueName("q-" + UUID.randomUUID())).join().queueUrl();
	}

	private static String queueArn(String queueUrl) {
		return sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
			.join()
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
	}

	private static Message receiveOne(String queueUrl) {
		List<Message> messages = sqs
			.receiveMessage((request) -> request.queueUrl(queueUrl).waitTimeSeconds(2).maxNumberOfMessages(10))
			.join()
			.messages();
		assertThat(messages).hasSize(1);
		return messages.get(0);
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

}
