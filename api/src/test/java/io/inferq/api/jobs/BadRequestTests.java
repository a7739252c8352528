package io.inferq.api.jobs;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import io.inferq.message.JobQueue;
import io.inferq.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Requests that must be refused with a 4xx problem that says what to fix, without
 * anything being stored or queued.
 */
@JobWebTest
class BadRequestTests {

	private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

	@Autowired
	private MockMvcTester mvc;

	@MockitoBean
	private JobStore store;

	@MockitoBean
	private JobQueue queue;

	@AfterEach
	void nothingWasStoredOrQueued() {
		verifyNoInteractions(this.store, this.queue);
	}

	@ParameterizedTest
	@MethodSource
	void submit_refuses(String contentType, byte[] body, HttpStatus status, String detail) {
		MvcTestResult result = this.mvc.post().uri("/v1/jobs").contentType(contentType).content(body).exchange();

		assertProblem(result, status, detail);
	}

	static Stream<Arguments> submit_refuses() {
		return Stream.of(
				// Not JSON, or not one JSON object
				bad("an empty body", "", "must be a JSON object"),
				bad("a cut-off object", "{\"input\": ", "Malformed JSON at line 1"),
				bad("garbage after the object", "{\"input\": 1} x", "Malformed JSON"),
				bad("two objects", "{\"input\": 1} {\"input\": 2}", "more after the JSON object"),
				bad("an array", "[{\"input\": 1}]", "must be a JSON object"),
				bad("a string", "\"input\"", "must be a JSON object"), bad("null", "null", "must be a JSON object"),
				bad("single quotes", "{'input': 1}", "Malformed JSON"),
				bad("a comment", "{\"input\": 1 /* why */}", "Malformed JSON"),
				bad("NaN", "{\"input\": NaN}", "Malformed JSON"),
				bad("a raw control character in a string", "{\"input\": \"a\u0001b\"}", "Malformed JSON"),
				bad("a duplicate field", "{\"input\": 1, \"input\": 2}", "Duplicate"),
				bad("nesting beyond the parser's limit", "{\"input\": " + "[".repeat(5000) + "]".repeat(5000) + "}",
						"nesting depth"),
				bad("a number beyond the parser's limit", "{\"input\": " + "9".repeat(1001) + "}",
						"Number value length (1001) exceeds the maximum allowed (1000)"),
				bad("a name beyond the parser's limit", "{\"" + "k".repeat(50001) + "\": 1}",
						"Name length (50001) exceeds the maximum allowed (50000)"),
				bad("an array not closed", "{\"input\": [1, 2", "expected close marker for Array"),
				badBytes("bytes that are not UTF-8", new byte[] { '{', '"', 'i', (byte) 0xC3, '"', ':', '1', '}' },
						"not valid UTF-8"),
				badBytes("UTF-16", "{\"input\": 1}".getBytes(StandardCharsets.UTF_16), "not valid UTF-8"),
				bad("a byte order mark", "\uFEFF{\"input\": 1}", "Malformed JSON"),
				// Fields
				bad("no input", "{}", "The job has no input"),
				bad("metadata but no input", "{\"metadata\": {\"a\": \"b\"}}", "The job has no input"),
				bad("a null input", "{\"input\": null}", "'input' is null"),
				bad("an unknown field", "{\"input\": 1, \"inptu\": 2}", "Unknown field 'inptu'"),
				bad("a field in the wrong case", "{\"Input\": 1}", "Unknown field 'Input'"),
				bad("an unknown field with an unprintable name", "{\"input\": 1, \"\\ud800\": 2}",
						"Unknown field (its name is not shown)"),
				bad("both input and inputBase64", "{\"input\": 1, \"inputBase64\": \"AA==\", \"contentType\": \"a/b\"}",
						"not several"),
				bad("a contentType with JSON input", "{\"input\": 1, \"contentType\": \"text/plain\"}",
						"'contentType' goes with 'inputBase64' or 'inputLocation' only"),
				bad("inputBase64 without contentType", "{\"inputBase64\": \"AA==\"}",
						"'inputBase64' needs 'contentType'"),
				bad("inputBase64 that is not base64", "{\"inputBase64\": \"not base64!\", \"contentType\": \"a/b\"}",
						"'inputBase64' is not base64"),
				bad("inputBase64 in the URL-safe alphabet", "{\"inputBase64\": \"-_-_\", \"contentType\": \"a/b\"}",
						"'inputBase64' is not base64"),
				bad("inputBase64 as a number", "{\"inputBase64\": 42, \"contentType\": \"a/b\"}",
						"'inputBase64' must be a string"),
				bad("inputBase64 as an array", "{\"inputBase64\": [\"AA==\"], \"contentType\": \"a/b\"}",
						"'inputBase64' must be a string"),
				bad("a wildcard contentType", "{\"inputBase64\": \"AA==\", \"contentType\": \"image/*\"}",
						"'contentType' must be a media type"),
				bad("a contentType without a subtype", "{\"inputBase64\": \"AA==\", \"contentType\": \"png\"}",
						"'contentType' must be a media type"),
				bad("a non-ASCII accept", "{\"input\": 1, \"accept\": \"application/jsön\"}",
						"'accept' must be a media type"),
				bad("an accept of 1025 characters", "{\"input\": 1, \"accept\": \"a/" + "b".repeat(1023) + "\"}",
						"'accept' must be a media type"),
				bad("accept as a number", "{\"input\": 1, \"accept\": 1}", "'accept' must be a string"),
				// Metadata
				bad("metadata as an array", "{\"input\": 1, \"metadata\": [\"a\"]}", "'metadata' must be an object"),
				bad("metadata as a string", "{\"input\": 1, \"metadata\": \"a=b\"}", "'metadata' must be an object"),
				bad("a metadata value that is a number", "{\"input\": 1, \"metadata\": {\"a\": 1}}",
						"Metadata values must be strings"),
				bad("a metadata value that is null", "{\"input\": 1, \"metadata\": {\"a\": null}}",
						"Metadata values must be strings"),
				bad("a metadata value that is an object", "{\"input\": 1, \"metadata\": {\"a\": {\"b\": \"c\"}}}",
						"Metadata values must be strings"),
				bad("17 metadata entries", "{\"input\": 1, \"metadata\": {" + entries(17) + "}}",
						"'metadata' has more than 16 entries"),
				bad("an empty metadata key", "{\"input\": 1, \"metadata\": {\"\": \"a\"}}",
						"Metadata keys are 1 to 64"),
				bad("a metadata key of 65 characters",
						"{\"input\": 1, \"metadata\": {\"" + "k".repeat(65) + "\": \"a\"}}",
						"Metadata keys are 1 to 64"),
				bad("a metadata key with an emoji", "{\"input\": 1, \"metadata\": {\"tag\uD83D\uDE00\": \"a\"}}",
						"Metadata keys are 1 to 64"),
				bad("a metadata key with a space", "{\"input\": 1, \"metadata\": {\"my key\": \"a\"}}",
						"Metadata keys are 1 to 64"),
				bad("a metadata value of 257 characters",
						"{\"input\": 1, \"metadata\": {\"a\": \"" + "\uD83D\uDE00".repeat(257) + "\"}}",
						"256 characters long at most"),
				bad("a NUL in a metadata value", "{\"input\": 1, \"metadata\": {\"a\": \"x\\u0000y\"}}",
						"without control characters"),
				bad("a line break in a metadata value", "{\"input\": 1, \"metadata\": {\"a\": \"x\\ny\"}}",
						"without control characters"),
				bad("an unpaired surrogate in a metadata value", "{\"input\": 1, \"metadata\": {\"a\": \"\\ud83d\"}}",
						"unpaired surrogates"),
				// timeToStart
				bad("a negative timeToStart", "{\"input\": 1, \"timeToStart\": -5}", "between 1 second and 86400"),
				bad("a zero timeToStart", "{\"input\": 1, \"timeToStart\": \"PT0S\"}", "between 1 second and 86400"),
				bad("a timeToStart above the maximum", "{\"input\": 1, \"timeToStart\": \"PT25H\"}",
						"between 1 second and 86400"),
				bad("a timeToStart beyond a long", "{\"input\": 1, \"timeToStart\": 100000000000000000000}",
						"between 1 second and 86400"),
				bad("a fractional timeToStart", "{\"input\": 1, \"timeToStart\": 1.5}", "a whole number of seconds"),
				bad("a timeToStart in words", "{\"input\": 1, \"timeToStart\": \"30 minutes\"}",
						"an ISO-8601 duration"),
				bad("a timeToStart that is a boolean", "{\"input\": 1, \"timeToStart\": true}",
						"a whole number of seconds"),
				// Sizes
				bad("a body above the limit", "{\"input\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}",
						HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than"),
				bad("JSON input above the limit", "{\"input\": \"" + "x".repeat(6 * 1024 * 1024) + "\"}",
						HttpStatus.CONTENT_TOO_LARGE,
						"The job's input is 6291458 bytes; it may be 6291456 bytes at most"),
				bad("binary input above the limit",
						"{\"inputBase64\": \"" + "AAAA".repeat(2 * 1024 * 1024 + 1) + "\", \"contentType\": \"a/b\"}",
						HttpStatus.CONTENT_TOO_LARGE, "The job's input is 6291459 bytes"),
				bad("an inputLocation that is not an s3 URI",
						"{\"inputLocation\": \"https://example.com/a.jpg\", \"contentType\": \"image/jpeg\"}",
						"'inputLocation' must be an s3://bucket/key URI"),
				bad("an inputLocation without contentType", "{\"inputLocation\": \"s3://b/k\"}",
						"'inputLocation' needs 'contentType'"),
				bad("an inputLocation with input", "{\"inputLocation\": \"s3://b/k\", \"input\": 1}", "not several"),
				// Media types: forms are refused; any other type is a raw input
				Arguments.argumentSet("a form", MediaType.APPLICATION_FORM_URLENCODED_VALUE, bytes("input=1"),
						HttpStatus.UNSUPPORTED_MEDIA_TYPE, "is not supported"));
	}

	@ParameterizedTest
	@MethodSource
	void jobPaths_answer404ToMalformedIds(String path) {
		for (MvcTestResult result : new MvcTestResult[] { this.mvc.get().uri(path).exchange(),
				this.mvc.get().uri(path + "/result").exchange(), this.mvc.delete().uri(path).exchange() }) {
			assertProblem(result, HttpStatus.NOT_FOUND, "");
		}
	}

	static Stream<Arguments> jobPaths_answer404ToMalformedIds() {
		return Stream.of(argumentSet("too short", "/v1/jobs/abc"),
				argumentSet("too long", "/v1/jobs/" + "a".repeat(65)),
				argumentSet("punctuation", "/v1/jobs/job!0123456789"),
				argumentSet("an encoded space", "/v1/jobs/job%200123456789"),
				argumentSet("an encoded NUL", "/v1/jobs/job%000123456789"),
				argumentSet("non-ASCII letters", "/v1/jobs/j%C3%B6b-0123456789"),
				argumentSet("an emoji", "/v1/jobs/job-%F0%9F%98%80-0123456789"),
				argumentSet("an encoded path traversal", "/v1/jobs/..%2F..%2Fetc%2Fpasswd"),
				argumentSet("a path traversal", "/v1/jobs/../../etc/passwd"));
	}

	@ParameterizedTest
	@MethodSource
	void unknownMethodsAndPaths_areProblems(String method, String path, HttpStatus status) {
		MvcTestResult result = this.mvc.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path)
			.exchange();

		assertProblem(result, status, "");
	}

	static Stream<Arguments> unknownMethodsAndPaths_areProblems() {
		return Stream.of(Arguments.of("PUT", "/v1/jobs/job-0123456789abcdef", HttpStatus.METHOD_NOT_ALLOWED),
				Arguments.of("POST", "/v1/jobs/job-0123456789abcdef", HttpStatus.METHOD_NOT_ALLOWED),
				Arguments.of("PATCH", "/v1/jobs", HttpStatus.METHOD_NOT_ALLOWED),
				Arguments.of("GET", "/v1/jobs", HttpStatus.METHOD_NOT_ALLOWED),
				Arguments.of("GET", "/v2/jobs", HttpStatus.NOT_FOUND), Arguments.of("GET", "/", HttpStatus.NOT_FOUND));
	}

	private static Arguments bad(String name, String body, String detail) {
		return bad(name, body, HttpStatus.BAD_REQUEST, detail);
	}

	private static Arguments bad(String name, String body, HttpStatus status, String detail) {
		return argumentSet(name, JSON, bytes(body), status, detail);
	}

	private static Arguments badBytes(String name, byte[] body, String detail) {
		return argumentSet(name, JSON, body, HttpStatus.BAD_REQUEST, detail);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String entries(int count) {
		return String.join(", ",
				Stream.iterate(1, (i) -> i + 1).limit(count).map((i) -> "\"k" + i + "\": \"v\"").toList());
	}

	private static void assertProblem(MvcTestResult result, HttpStatus status, String detail) {
		assertThat(result).hasStatus(status).hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(result).bodyJson().extractingPath("$.status").isEqualTo(status.value());
		assertThat(result).bodyJson().extractingPath("$.detail").asString().isNotBlank().contains(detail);
		assertThat(result).bodyText()
			.doesNotContain("Exception", "at io.inferq", "`", "Source:", "Constraints", "REDACTED", "java.");
	}

}
