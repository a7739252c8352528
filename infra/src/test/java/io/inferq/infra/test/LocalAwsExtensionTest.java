package io.inferq.infra.test;

import io.inferq.infra.AwsEnvironment;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.SageMakerEmulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalAwsExtension.class)
class LocalAwsExtensionTest {

	@Test
	void parameters_shouldBeTheSharedStandIns(LocalAws aws, AwsEnvironment environment, SageMakerEmulator sageMaker) {
		assertThat(aws).isSameAs(LocalAws.shared()).isSameAs(environment);
		assertThat(sageMaker).isSameAs(aws.sageMaker());
	}

}
