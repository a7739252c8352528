package io.inferq.cli;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

import picocli.CommandLine.Option;

/**
 * Where the jobs table is, for commands that write it directly (API keys). The defaults
 * are those of {@code bin/run-local}'s stand-ins; on AWS, {@code --dynamodb-endpoint aws}
 * uses the region's endpoint and the default credentials (environment, profile, role).
 */
final class TableOptions {

	/** The endpoint value that means AWS itself. */
	static final String AWS = "aws";

	@Option(names = "--table", paramLabel = "NAME", defaultValue = "${INFERQ_AWS_TABLE_NAME:-inferq-jobs}",
			description = "The jobs table (default: $INFERQ_AWS_TABLE_NAME, else ${DEFAULT-VALUE}).")
	String table;

	@Option(names = "--dynamodb-endpoint", paramLabel = "URL|aws",
			defaultValue = "${INFERQ_DYNAMODB_ENDPOINT:-http://127.0.0.1:8000}",
			description = "DynamoDB's endpoint, or 'aws' for AWS's own (default: $INFERQ_DYNAMODB_ENDPOINT, else "
					+ "${DEFAULT-VALUE}, the one bin/run-local starts).")
	String endpoint;

	@Option(names = "--region", paramLabel = "REGION", defaultValue = "${AWS_REGION:-us-east-1}",
			description = "The AWS region (default: $AWS_REGION, else ${DEFAULT-VALUE}).")
	String region;

	DynamoDbAsyncClient client() {
		DynamoDbAsyncClientBuilder builder = DynamoDbAsyncClient.builder().region(Region.of(this.region));
		if (AWS.equals(this.endpoint)) {
			return builder.credentialsProvider(DefaultCredentialsProvider.builder().build()).build();
		}
		// A local stand-in takes any credentials; the environment's, if set, else test
		// ones.
		boolean fromEnvironment = System.getenv("AWS_ACCESS_KEY_ID") != null;
		return builder.endpointOverride(URI.create(this.endpoint))
			.credentialsProvider(fromEnvironment ? DefaultCredentialsProvider.builder().build()
					: StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
	}

}
