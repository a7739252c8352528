package io.inferq.api.batches;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.inferq.api.jobs.JobResponse;
import io.inferq.job.Job;
import io.inferq.job.JobError;
import io.inferq.job.JobStatus;

/**
 * One line of a batch's results export: a job's outcome, under its item's customId. The
 * output is embedded as JSON when the model answered with well-formed JSON, and given in
 * base64 otherwise, as in {@code GET /v1/jobs/{id}}; an output too large to embed is
 * given by its size and URL. Embedded JSON is written on one line, whatever its layout:
 * its line breaks (whitespace between tokens) are dropped and U+2028 and U+2029 in
 * strings are escaped, so that each line is one valid JSON object for any line splitter,
 * and the JSON means the same (numbers and strings are kept exactly).
 *
 * @param customId the client's ID of the item
 * @param jobId the job's ID
 * @param status the job's status
 * @param output the model's JSON answer
 * @param outputBase64 the model's answer in base64, when it is not JSON
 * @param outputContentType the media type of the model's answer
 * @param outputSize the size of an answer too large to embed, in bytes
 * @param outputUrl where an answer too large to embed is served
 * @param error why the job failed, or why its last attempt failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ResultLine(String customId, String jobId, JobStatus status, @JsonRawValue String output, String outputBase64,
		String outputContentType, Long outputSize, String outputUrl, JobError error) {

	static ResultLine of(Job job) {
		JobResponse response = JobResponse.of(job);
		return new ResultLine(job.batch().customId(), response.id(), response.status(), oneLine(response.output()),
				response.outputBase64(), response.outputContentType(), response.outputSize(), response.outputUrl(),
				response.error());
	}

	/**
	 * Well-formed JSON text on one line: whitespace outside strings dropped, U+2028 and
	 * U+2029 inside strings escaped; everything else as it was.
	 */
	static String oneLine(String json) {
		if (json == null) {
			return null;
		}
		StringBuilder line = new StringBuilder(json.length());
		boolean inString = false;
		boolean escaped = false;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (inString) {
				if (c == '\u2028' || c == '\u2029') {
					line.append((c == '\u2028') ? "\\u2028" : "\\u2029");
					continue;
				}
				line.append(c);
				if (escaped) {
					escaped = false;
				}
				else if (c == '\\') {
					escaped = true;
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
				line.append(c);
			}
			else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				line.append(c);
			}
		}
		return line.toString();
	}

}
