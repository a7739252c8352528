package io.inferq.infra;

import io.inferq.infra.localstack.LocalStackAws;
import io.inferq.infra.sagemaker.EndpointSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The scenarios against LocalStack; skipped where Docker is not available.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackAwsScenariosTest extends AwsEnvironmentScenarios {

	private static LocalStackAws aws;

	@BeforeAll
	static void start() {
		aws = LocalStackAws.start(EndpointSpec.builder("sagemaker-endpoint-test").instances(2).build());
	}

	@AfterAll
	static void stop() {
		if (aws != null) {
			aws.close();
		}
	}

	@Override
	protected AwsEnvironment aws() {
		return aws;
	}

}
