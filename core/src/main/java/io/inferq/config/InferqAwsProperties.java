package io.inferq.config;

import java.time.Duration;

import io.inferq.message.sqs.JobQueues;
import io.inferq.store.dynamodb.JobTable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
 */
@ConfigurationProperties(InferqAwsProperties.PREFIX)
public record InferqAwsProperties(@DefaultValue(JobTable.DEFAULT_NAME) String tableName,
		@DefaultValue(JobQueues.DEFAULT_NAME) String queueName,
		@DefaultValue(JobQueues.DEFAULT_BULK_NAME) String bulkQueueName,
		@DefaultValue(JobQueues.DEFAULT_DLQ_NAME) String deadLetterQueueName,
		@DefaultValue("false") boolean createResources, @DefaultValue("7d") Duration retention) {

	/** The prefix of these properties. */
	public static final String PREFIX = "inferq.aws";

	public InferqAwsProperties {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException(PREFIX + ".retention must be positive, for example 7d");
		}
	}

}
