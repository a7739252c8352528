package io.inferq.benchmarks;

import java.util.Locale;
import java.util.Map;

import io.inferq.aws.AwsRequestCounter;
import io.inferq.aws.AwsRequestCounter.Call;
import io.inferq.aws.AwsRequestCounter.Counts;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a scenario's jobs cost in AWS requests, bytes sent and DynamoDB write units, per
 * job, from the apps' own request counters: written to the benchmark's JSON as
 * {@code roundTrips}.
 */
final class RoundTrips {

	private RoundTrips() {
	}

	/**
	 * Writes {@code counts} divided by {@code jobs} under {@code roundTrips} of
	 * {@code result}; returns a one-line summary for the table.
	 */
	static String write(ObjectNode result, Counts counts, int jobs) {
		ObjectNode perJob = result.putObject("roundTrips");
		perJob.put("jobs", jobs);
		perJob.put("dynamoDbRequestsPerJob", (double) counts.requests(AwsRequestCounter.DYNAMODB) / jobs);
		perJob.put("sqsRequestsPerJob", (double) counts.requests(AwsRequestCounter.SQS) / jobs);
		perJob.put("s3RequestsPerJob", (double) counts.requests(AwsRequestCounter.S3) / jobs);
		perJob.put("dynamoDbWriteUnitsPerJob", counts.writeUnits() / jobs);
		ObjectNode byOperation = perJob.putObject("requestsPerJobByOperation");
		for (Map.Entry<Call, Long> entry : counts.requests().entrySet()) {
			byOperation.put(entry.getKey().toString(), (double) entry.getValue() / jobs);
		}
		ObjectNode bytes = perJob.putObject("bytesSentPerJob");
		counts.bytesSent().forEach((service, sent) -> bytes.put(service, (double) sent / jobs));
		return String.format(Locale.ROOT, "per job: DynamoDB %.2f requests, %.2f write units; SQS %.2f requests",
				(double) counts.requests(AwsRequestCounter.DYNAMODB) / jobs, counts.writeUnits() / jobs,
				(double) counts.requests(AwsRequestCounter.SQS) / jobs);
	}

}
