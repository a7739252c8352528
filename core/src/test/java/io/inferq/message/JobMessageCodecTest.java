package io.inferq.message;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobMessageCodecTest {

	private static final JobId ID = new JobId("job-0000000001");

	@Test
	void encode_shouldCarryOnlyTheIdForStoredJobs() {
		assertThat(JobMessageCodec.encode(JobMessage.of(ID))).isEqualTo("{\"jobId\":\"job-0000000001\"}");
	}

	@Test
	void roundTrip_shouldKeepTheTenant() {
		JobMessage message = JobMessage.of(ID, new TenantId("acme"));

		String encoded = JobMessageCodec.encode(message);

		assertThat(encoded).isEqualTo("{\"jobId\":\"job-0000000001\",\"tenant\":\"acme\"}");
		assertThat(JobMessageCodec.decode(encoded).tenant()).isEqualTo(new TenantId("acme"));
	}

	@Test
	void roundTrip_shouldSayWhetherTheJobIsInABatch() {
		String encoded = JobMessageCodec.encode(JobMessage.ofBatchJob(ID, new TenantId("acme")));

		assertThat(encoded).isEqualTo("{\"jobId\":\"job-0000000001\",\"tenant\":\"acme\",\"inBatch\":true}");
		assertThat(JobMessageCodec.decode(encoded)).isEqualTo(JobMessage.ofBatchJob(ID, new TenantId("acme")));
		assertThat(JobMessageCodec.decode("{\"jobId\":\"job-0000000001\"}").inBatch()).isFalse();
		assertThat(JobMessageCodec.decode("{\"jobId\":\"job-0000000001\",\"inBatch\":false}").inBatch()).isFalse();
		assertThatThrownBy(() -> JobMessageCodec.decode("{\"jobId\":\"job-0000000001\",\"inBatch\":\"yes\"}"))
			.isInstanceOf(MalformedJobMessageException.class)
			.hasMessageContaining("'inBatch' must be true or false");
	}

	@Test
	void roundTrip_shouldKeepAStoredJobsDeadline() {
		Job job = Job.submit(new TenantId("acme"), ID, Payload.json("{}"), null, Map.of(),
				Instant.parse("2026-03-01T12:00:00.123456Z"), Duration.ofHours(1));

		String encoded = JobMessageCodec.encode(JobMessage.of(job));

		assertThat(encoded).isEqualTo(
				"{\"jobId\":\"job-0000000001\",\"tenant\":\"acme\",\"deadline\":\"2026-03-01T13:00:00.123456Z\"}");
		assertThat(JobMessageCodec.decode(encoded)).isEqualTo(JobMessage.of(job));
		assertThat(JobMessage.of(job).startsUnread(Instant.parse("2026-03-01T12:59:58Z"))).isTrue();
		assertThat(JobMessage.of(job).startsUnread(Instant.parse("2026-03-01T12:59:59Z"))).isFalse();
		assertThat(JobMessage.of(ID).startsUnread(Instant.parse("2026-03-01T12:59:59Z"))).isTrue();
		assertThatThrownBy(() -> JobMessageCodec.decode("{\"jobId\":\"job-0000000001\",\"deadline\":\"soon\"}"))
			.isInstanceOf(MalformedJobMessageException.class)
			.hasMessageContaining("'deadline' must be an ISO-8601 instant");
	}

	@Test
	void newJob_shouldBeTheMessagesTenants() {
		JobMessage message = JobMessageCodec
			.decode("{\"jobId\":\"job-0000000001\",\"tenant\":\"acme\",\"input\":{\"a\":1}}");

		Job job = message.newJob(Instant.parse("2026-03-01T12:00:00Z"), Duration.ofHours(1));

		assertThat(job.tenant()).isEqualTo(new TenantId("acme"));
		assertThat(job.id()).isEqualTo(ID);
		assertThat(job.input()).isEqualTo(Payload.json("{\"a\":1}"));
		assertThatThrownBy(() -> JobMessage.of(ID).newJob(Instant.now(), Duration.ofHours(1)))
			.isInstanceOf(IllegalStateException.class);
	}

	@Test
	void decode_shouldGiveAMessageWithoutTenantToTheDefaultTenant() {
		JobMessage message = JobMessageCodec.decode("{\"jobId\":\"job-0000000001\",\"input\":{}}");

		assertThat(message.tenant()).isEqualTo(TenantId.DEFAULT);
	}

	@Test
	void decode_shouldRejectAMalformedTenantAndNameTheJob() {
		assertThatThrownBy(() -> JobMessageCodec.decode("{\"jobId\":\"job-0000000001\",\"tenant\":\"a#b\"}"))
			.isInstanceOfSatisfying(MalformedJobMessageException.class, (ex) -> assertThat(ex.jobId()).contains(ID));
	}

	@Test
	void decode_shouldReadJsonInputAsJsonPayload() {
		JobMessage message = JobMessageCodec
			.decode("{\"jobId\":\"job-0000000001\",\"input\":{\"a\":[1,2]},\"metadata\":{\"k\":\"v\"},\"x\":1}");

		assertThat(message.jobId()).isEqualTo(ID);
		assertThat(message.input()).isEqualTo(Payload.json("{\"a\":[1,2]}"));
		assertThat(message.metadata()).containsExactly(Map.entry("k", "v"));
	}

	@Test
	void roundTrip_shouldKeepBinaryInput() {
		Payload image = new Payload(new byte[] { 0, (byte) 0xff, 42 }, "image/png");
		JobMessage message = new JobMessage(ID, image, "application/json", Map.of("source", "camera"));

		assertThat(JobMessageCodec.decode(JobMessageCodec.encode(message))).isEqualTo(message);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"price\":1.10,\"big\":12345678901234567890.123456789,\"tiny\":1e-400}",
			"[1.0, 2E+3, -0.0, 1e400]", "\"caf\\u00e9 \u2028 \\n\"", "12345678901234567890123456789",
			"{\n  \"pretty\": [\n    true,\n    null\n  ]\n}", "false" })
	void decode_shouldKeepJsonInputExactlyAsWritten(String input) {
		String body = "{\"metadata\":{\"k\":\"v\"},\"input\": " + input + " ,\"jobId\":\"job-0000000001\"}";

		JobMessage message = JobMessageCodec.decode(body);

		assertThat(message.input().text()).isEqualTo(input);
		assertThat(message.input().contentType()).isEqualTo(Payload.JSON);
		assertThat(JobMessageCodec.decode(JobMessageCodec.encode(message))).isEqualTo(message);
	}

	@Test
	void decode_shouldReadAnInputLocationAsAClientObjectOfUnknownSize() {
		JobMessage message = JobMessageCodec.decode(
				"{\"jobId\":\"job-0000000001\",\"inputLocation\":\"s3://photos/2026/cat.jpg\",\"contentType\":\"image/jpeg\"}");

		assertThat(message.input().isStored()).isTrue();
		assertThat(message.input().ref()).isEqualTo(PayloadRef.clientObject("s3://photos/2026/cat.jpg"));
		assertThat(message.input().ref().owned()).isFalse();
		assertThat(message.input().ref().isSizeKnown()).isFalse();
		assertThat(message.input().contentType()).isEqualTo("image/jpeg");
		assertThat(JobMessageCodec.decode(JobMessageCodec.encode(message))).isEqualTo(message);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "not json", "[]", "42", "{}", "{\"jobId\":7}", "{\"jobId\":\"bad/id\"}",
			"{\"jobId\":\"job-0000000001\",\"inputBase64\":\"@@@\",\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"inputBase64\":\"AAAA\"}",
			"{\"jobId\":\"job-0000000001\",\"input\":1,\"inputBase64\":\"AAAA\",\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"metadata\":{\"k\":1}}",
			"{\"jobId\":\"job-0000000001\",\"input\":1,\"input\":2}",
			"{\"jobId\":\"job-0000000001\",\"input\":1,\"metadata\":{\"bad key\":\"v\"}}",
			"{\"jobId\":\"job-0000000001\",\"input\":1,\"metadata\":{\"k\":\"line\\nbreak\"}}",
			"{\"jobId\":\"job-0000000001\",\"jobId\":\"job-0000000002\"}",
			"{\"jobId\":\"job-0000000001\",\"input\":null}",
			"{\"jobId\":\"job-0000000001\",\"input\":{},\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"inputLocation\":\"s3://b/k\"}",
			"{\"jobId\":\"job-0000000001\",\"inputLocation\":\"https://b/k\",\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"inputLocation\":\"s3://b/\",\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"inputLocation\":\"s3://b/k\",\"input\":1,\"contentType\":\"x/y\"}",
			"{\"jobId\":\"job-0000000001\",\"inputBase64\":\"AAAA\",\"contentType\":\"*/*\"}",
			"{\"jobId\":\"job-0000000001\",\"inputBase64\":\"AAAA\",\"contentType\":\"not a type\"}" })
	void decode_shouldRejectMalformedMessages(String body) {
		assertThatThrownBy(() -> JobMessageCodec.decode(body)).isInstanceOf(MalformedJobMessageException.class);
	}

	@Test
	void decode_shouldHoldMetadataToTheApisLimits() {
		String tooMany = "{\"jobId\":\"job-0000000001\",\"input\":1,\"metadata\":{"
				+ String.join(",",
						java.util.stream.IntStream.range(0, 17).mapToObj((i) -> "\"k" + i + "\":\"v\"").toList())
				+ "}}";
		String tooLong = "{\"jobId\":\"job-0000000001\",\"input\":1,\"metadata\":{\"k\":\"" + "v".repeat(257) + "\"}}";
		String longest = "{\"jobId\":\"job-0000000001\",\"input\":1,\"metadata\":{\"" + "k".repeat(64) + "\":\""
				+ "v".repeat(256) + "\"}}";

		assertThatThrownBy(() -> JobMessageCodec.decode(tooMany)).isInstanceOf(MalformedJobMessageException.class);
		assertThatThrownBy(() -> JobMessageCodec.decode(tooLong)).isInstanceOf(MalformedJobMessageException.class);
		assertThat(JobMessageCodec.decode(longest).metadata()).hasSize(1);
	}

	@Test
	void decode_shouldNameTheJobOfAMessageItCannotReadOtherwise() {
		assertThatThrownBy(() -> JobMessageCodec
			.decode("{\"jobId\":\"job-0000000001\",\"inputBase64\":\"@@@\",\"contentType\":\"x/y\"}"))
			.isInstanceOfSatisfying(MalformedJobMessageException.class,
					(ex) -> assertThat(ex.jobId()).contains(new JobId("job-0000000001")));
		assertThatThrownBy(() -> JobMessageCodec.decode("{\"jobId\":\"bad/id\"}"))
			.isInstanceOfSatisfying(MalformedJobMessageException.class, (ex) -> assertThat(ex.jobId()).isEmpty());
	}

	@Test
	void decode_shouldAcceptUnicode() {
		JobMessage message = JobMessageCodec
			.decode("{\"jobId\":\"job-0000000001\",\"input\":\"\u3053\u3093 \ud83d\ude00\"}");

		assertThat(new String(message.input().bytes(), StandardCharsets.UTF_8))
			.isEqualTo("\"\u3053\u3093 \ud83d\ude00\"");
	}

}
