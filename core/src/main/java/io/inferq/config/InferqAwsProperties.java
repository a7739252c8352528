package io.inferq.config;

import java.time.Duration;
import java.util.List;

import io.inferq.message.sqs.JobQueues;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.dynamodb.JobTable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where the apps keep jobs, shared by the API and the worker. Region, credentials and
 * endpoint overrides are Spring Cloud AWS's own {@code spring.cloud.aws.*} properties.
 *
 * @param tableName the DynamoDB jobs table
 * @param queueName the SQS jobs queue of the interactive lane (single jobs)
 * @param bulkQueueName the SQS jobs queue of the bulk lane (jobs enqueued in batches)
 * @param deadLetterQueueName the dead-letter queue of both lanes' queues
 * @param createResources whether to create the table and queues at start if they are
 * missing (for local stand-ins and LocalStack; on AWS the deployment template creates
 * them)
 * @param retention how long a finished job stays readable before DynamoDB TTL deletes it
 * @param payloads where inputs and outputs too large for the job record are kept
 */
@ConfigurationProperties(InferqAwsProperties.PREFIX)
public record InferqAwsProperties(@DefaultValue(JobTable.DEFAULT_NAME) String tableName,
		@DefaultValue(JobQueues.DEFAULT_NAME) String queueName,
		@DefaultValue(JobQueues.DEFAULT_BULK_NAME) String bulkQueueName,
		@DefaultValue(JobQueues.DEFAULT_DLQ_NAME) String deadLetterQueueName,
		@DefaultValue("false") boolean createResources, @DefaultValue("7d") Duration retention,
		@DefaultValue Payloads payloads) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.aws";

	public InferqAwsProperties {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException(PREFIX + ".retention must be positive, for example 7d");
		}
	}

	/**
	 * Where inputs and outputs too large for the job record are kept (claim checks in
	 * S3), and how large they may be.
	 *
	 * @param bucketName the S3 bucket of inferq's objects
	 * @param keyPrefix the key prefix of inferq's objects, which the bucket's lifecycle
	 * rule expires
	 * @param inlineThreshold the largest input or output kept in the job record itself;
	 * larger ones go to S3
	 * @param maxSize the largest input and the largest output of a job (decoded bytes);
	 * SageMaker real-time endpoints take and answer at most 6 MB
	 * @param inputLocations where clients' own objects may be named as a job's input
	 * ({@code inputLocation}): {@code s3://bucket/} or {@code s3://bucket/prefix}; none
	 * by default
	 */
	public record Payloads(@DefaultValue(PayloadBucket.DEFAULT_NAME) String bucketName,
			@DefaultValue(PayloadBucket.DEFAULT_PREFIX) String keyPrefix, @DefaultValue("4KB") DataSize inlineThreshold,
			@DefaultValue("6MB") DataSize maxSize, @DefaultValue List<String> inputLocations) {

		public Payloads {
			if (inlineThreshold.toBytes() < 0 || inlineThreshold.toBytes() > 300 * 1024) {
				throw new IllegalArgumentException(PREFIX
						+ ".payloads.inline-threshold must be between 0 and 300KB, leaving room in DynamoDB's 400 KB "
						+ "item for the rest of the job; was " + inlineThreshold);
			}
			if (maxSize.toBytes() < 1 || maxSize.toBytes() > Integer.MAX_VALUE - 8) {
				throw new IllegalArgumentException(
						PREFIX + ".payloads.max-size must be positive and below 2 GB, for example 6MB; was " + maxSize);
			}
			inputLocations = (inputLocations == null) ? List.of() : List.copyOf(inputLocations);
			for (String location : inputLocations) {
				if (!location.startsWith("s3://") || location.length() <= "s3://".length()) {
					throw new IllegalArgumentException(PREFIX
							+ ".payloads.input-locations are s3://bucket/ or s3://bucket/prefix; was " + location);
				}
			}
		}

	}

}
